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
    private readonly Dictionary<string, List<ResourceRequest>> failedByTeam = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int NamedCount, bool CanFree)> canFreeByTeam = new(StringComparer.Ordinal);
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
        if (!HasBorrowers || KnownToFail(job.Team, job.Request))
        {
            return [];
        }

        var victims = Victims(job.Team, job.Request);
        if (victims.Count == 0)
        {
            // Candidates are only ever taken away during a pass, so this ask, and any larger one of the same
            // team, fails again.
            if (!failedByTeam.TryGetValue(job.Team, out var failed))
            {
                failed = [];
                failedByTeam[job.Team] = failed;
            }

            failed.Add(job.Request);
            return [];
        }

        foreach (var victim in victims)
        {
            named.Add(victim.Job.Id);
        }

        return victims;
    }

    /// <summary>Whether stopping borrowing jobs of other teams could free even one GPU for <paramref name="team"/>.</summary>
    public bool CanFreeAnyGpuFor(string team)
    {
        if (!HasBorrowers)
        {
            return false;
        }

        if (canFreeByTeam.TryGetValue(team, out var cached) && cached.NamedCount == named.Count)
        {
            return cached.CanFree;
        }

        var canFree = !KnownToFail(team, OneGpu) && Victims(team, OneGpu).Count > 0;
        canFreeByTeam[team] = (named.Count, canFree);
        return canFree;
    }

    private static readonly ResourceRequest OneGpu = new(1, 0, 0);

    private bool KnownToFail(string team, ResourceRequest request) =>
        failedByTeam.TryGetValue(team, out var failed) && failed.Exists(f =>
            f.Gpus <= request.Gpus && f.CpuMillicores <= request.CpuMillicores && f.MemoryMiB <= request.MemoryMiB
            && (f.GpuModel is null || string.Equals(f.GpuModel, request.GpuModel, StringComparison.OrdinalIgnoreCase)));

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
        var count = 0;
        foreach (var borrower in borrowers)
        {
            if (borrower.Job.Team == team || named.Contains(borrower.Job.Id))
            {
                continue;
            }

            count++;
            gpus |= NodeCapacity.MaskOf(borrower.Allocation.GpuIndices.AsSpan());
            cpu += borrower.Allocation.CpuMillicores;
            memory += borrower.Allocation.MemoryMiB;
            if (BitOperations.PopCount(gpus & modelMask) >= request.Gpus && cpu >= request.CpuMillicores && memory >= request.MemoryMiB)
            {
                // Enough: list the victims (only now, so a node that cannot help allocates nothing).
                return [.. borrowers.Where(b => b.Job.Team != team && !named.Contains(b.Job.Id)).Take(count)];
            }
        }

        return null;
    }
}
