using System.Numerics;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 7: a team asking for capacity within its nominal quota gets it back from teams that borrowed it, at least cost.
/// For a job that cannot be placed, on each Ready node the borrowing jobs of other teams are taken cheapest first (the
/// GPU-seconds of work they would lose, then fewer GPUs, then newest) until the job fits, and any taken job that is not
/// needed after all is given back (dearest first); the node whose victims lose the least work in all wins (then fewer
/// victims, then node order). Those jobs are named for preemption, each at most once per pass. A borrowing job is
/// protected (never a victim) while it has run less than <see cref="SchedulerSettings.MinRunBeforePreemption"/>, once
/// stopping it would lose more than <see cref="SchedulerSettings.MaxPreemptionLoss"/> GPU-time, and for
/// good once it started after waiting past the starvation bound or was already preempted
/// <see cref="SchedulerSettings.MaxPreemptionsPerJob"/> times: a restarted job is not stopped again straight away.
/// </summary>
internal sealed class QuotaReclaim
{
    private readonly NodeCapacity capacity;
    private readonly IReadOnlyList<RunningJob> running;
    private readonly SchedulerSettings settings;
    private readonly DateTimeOffset now;
    private readonly HashSet<JobId> named = [];
    private readonly Dictionary<string, List<ResourceRequest>> failedByTeam = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int NamedCount, bool CanFree)> canFreeByTeam = new(StringComparer.Ordinal);
    private Dictionary<int, List<RunningJob>>? borrowersByNode;

    public QuotaReclaim(NodeCapacity capacity, IReadOnlyList<RunningJob> running, SchedulerSettings settings, DateTimeOffset now)
    {
        this.capacity = capacity;
        this.running = running;
        this.settings = settings;
        this.now = now;
        HasBorrowers = running.Any(r => r.Borrowing && !IsProtected(r));
    }

    /// <summary>Whether <paramref name="job"/> may not be preempted now (see the class summary).</summary>
    private bool IsProtected(RunningJob job) =>
        now - job.Allocation.Start < settings.MinRunBeforePreemption
        || LostIfStopped(job) > settings.MaxPreemptionLoss.TotalSeconds
        || settings.IsStarving(job.Job.SubmittedAt, job.Allocation.Start)
        || (settings.MaxPreemptionsPerJob is { } most && job.Job.TimesPreempted >= most);

    /// <summary>The GPU-seconds of work <paramref name="job"/> would lose if stopped now (no checkpointing assumed).</summary>
    private double LostIfStopped(RunningJob job) =>
        job.Allocation.GpuIndices.Length * Math.Max(0, (now - job.Allocation.Start).TotalSeconds);

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
        foreach (var job in running.Where(r => r.Borrowing && !IsProtected(r)))
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
                var byLoss = LostIfStopped(a).CompareTo(LostIfStopped(b));
                if (byLoss != 0)
                {
                    return byLoss;
                }

                var byGpus = a.Allocation.GpuIndices.Length.CompareTo(b.Allocation.GpuIndices.Length);
                if (byGpus != 0)
                {
                    return byGpus;
                }

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
        var bestLoss = double.MaxValue;
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

            var loss = victims.Sum(LostIfStopped);
            if (best is null || loss < bestLoss || (loss == bestLoss && (victims.Count < best.Count || (victims.Count == best.Count && node < bestNode))))
            {
                best = victims;
                bestNode = node;
                bestLoss = loss;
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
            if (Fits(gpus, cpu, memory))
            {
                // Enough: list the victims (only now, so a node that cannot help allocates nothing), then give back,
                // dearest first, any whose work need not be lost after all.
                var victims = borrowers.Where(b => b.Job.Team != team && !named.Contains(b.Job.Id)).Take(count).ToList();
                for (var i = victims.Count - 1; i >= 0; i--)
                {
                    var a = victims[i].Allocation;
                    if (Fits(gpus & ~NodeCapacity.MaskOf(a.GpuIndices.AsSpan()), cpu - a.CpuMillicores, memory - a.MemoryMiB))
                    {
                        gpus &= ~NodeCapacity.MaskOf(a.GpuIndices.AsSpan());
                        cpu -= a.CpuMillicores;
                        memory -= a.MemoryMiB;
                        victims.RemoveAt(i);
                    }
                }

                return victims;
            }
        }

        return null;

        bool Fits(ulong freeGpus, long freeCpu, long freeMemory) =>
            BitOperations.PopCount(freeGpus & modelMask) >= request.Gpus && freeCpu >= request.CpuMillicores && freeMemory >= request.MemoryMiB;
    }
}
