using System.Numerics;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 7: a team asking for capacity within its nominal quota gets it back from teams that borrowed it.
/// For a job that cannot be placed, find the one Ready node where stopping the fewest borrowing jobs of other
/// teams (newest first) makes it fit; those jobs are named for preemption, each at most once per pass.
/// </summary>
internal sealed class QuotaReclaim
{
    private readonly NodeCapacity capacity;
    private readonly IReadOnlyList<RunningJob> running;
    private readonly HashSet<JobId> named = [];
    private readonly HashSet<(string Team, ResourceRequest Request)> failed = [];
    private Dictionary<int, List<RunningJob>>? borrowersByNode;

    public QuotaReclaim(NodeCapacity capacity, IReadOnlyList<RunningJob> running)
    {
        this.capacity = capacity;
        this.running = running;
        HasBorrowers = running.Any(r => r.Borrowing);
    }

    /// <summary>Whether any running job borrows capacity, i.e. whether reclaiming can ever succeed.</summary>
    public bool HasBorrowers { get; }

    /// <summary>The borrowing jobs to stop so <paramref name="job"/> fits, or an empty list when no node can be freed for it.</summary>
    public IReadOnlyList<RunningJob> FindVictims(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (!HasBorrowers || failed.Contains((job.Team, job.Request)))
        {
            return [];
        }

        var victims = Victims(job.Team, job.Request);
        if (victims.Count == 0)
        {
            // Victims are only ever taken away during a pass, so the same ask of the same team fails again.
            failed.Add((job.Team, job.Request));
            return [];
        }

        foreach (var victim in victims)
        {
            named.Add(victim.Job.Id);
        }

        return victims;
    }

    /// <summary>Whether stopping borrowing jobs of other teams could free even one GPU for <paramref name="team"/>.</summary>
    public bool CanFreeAnyGpuFor(string team) => Victims(team, new ResourceRequest(1, 0, 0)).Count > 0;

    private Dictionary<int, List<RunningJob>> BorrowersByNode()
    {
        if (borrowersByNode is not null)
        {
            return borrowersByNode;
        }

        borrowersByNode = [];
        foreach (var job in running.Where(r => r.Borrowing))
        {
            var node = capacity.IndexOf(job.Allocation.Node);
            if (node < 0)
            {
                continue;
            }

            if (!borrowersByNode.TryGetValue(node, out var list))
            {
                list = [];
                borrowersByNode[node] = list;
            }

            list.Add(job);
        }

        foreach (var list in borrowersByNode.Values)
        {
            list.Sort((a, b) =>
            {
                var byStart = b.Allocation.Start.CompareTo(a.Allocation.Start);
                return byStart != 0 ? byStart : b.Job.Id.CompareTo(a.Job.Id);
            });
        }

        return borrowersByNode;
    }

    private List<RunningJob> Victims(string team, ResourceRequest request)
    {
        List<RunningJob>? best = null;
        var bestNode = -1;
        foreach (var (node, borrowers) in BorrowersByNode())
        {
            if (!capacity.IsSchedulable(node))
            {
                continue;
            }

            var victims = VictimsOn(node, borrowers, team, request);
            if (victims is null)
            {
                continue;
            }

            if (best is null || victims.Count < best.Count || (victims.Count == best.Count && node < bestNode))
            {
                best = victims;
                bestNode = node;
            }
        }

        return best ?? [];
    }

    private List<RunningJob>? VictimsOn(int node, List<RunningJob> borrowers, string team, ResourceRequest request)
    {
        var modelMask = capacity.ModelMask(node, request.GpuModel);
        var gpus = capacity.FreeMask(node);
        var cpu = capacity.FreeCpu(node);
        var memory = capacity.FreeMemory(node);
        var victims = new List<RunningJob>();
        foreach (var borrower in borrowers)
        {
            if (borrower.Job.Team == team || named.Contains(borrower.Job.Id))
            {
                continue;
            }

            victims.Add(borrower);
            gpus |= NodeCapacity.MaskOf(borrower.Allocation.GpuIndices);
            cpu += borrower.Allocation.CpuMillicores;
            memory += borrower.Allocation.MemoryMiB;
            if (BitOperations.PopCount(gpus & modelMask) >= request.Gpus && cpu >= request.CpuMillicores && memory >= request.MemoryMiB)
            {
                return victims;
            }
        }

        return null;
    }
}
