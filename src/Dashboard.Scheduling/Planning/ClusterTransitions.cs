using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The pure state changes of a cluster snapshot: what submitting, starting, ending, cancelling, requeueing,
/// changing a quota and draining a node do to it. The engine's single writer applies these; tests replay them.
/// Each returns a new snapshot and leaves the given one untouched. An impossible change (ending a job that
/// is not running) throws, it is never silently ignored.
/// </summary>
public static class ClusterTransitions
{
    public static ClusterSnapshot Submit(ClusterSnapshot snapshot, Job job)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(job);
        if (RunningTeams.IndexOf(snapshot.Running, job.Id) >= 0)
        {
            throw new InvalidOperationException($"Job {job.Id} is already running.");
        }

        var pending = snapshot.Pending.Add(job);
        return ReferenceEquals(pending, snapshot.Pending)
            ? throw new InvalidOperationException($"Job {job.Id} is already pending.")
            : snapshot with { Pending = pending };
    }

    /// <summary>Starts the plan's jobs and drops its refused ones. Preemptions take effect when the engine stops the victims.</summary>
    public static ClusterSnapshot ApplyPlan(ClusterSnapshot snapshot, SchedulePlan plan)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(plan);
        // Sized to the result: the list is copied once (a builder from the list and its ToImmutable copied it twice).
        var running = ImmutableArray.CreateBuilder<RunningJob>(snapshot.Running.Length + plan.Starts.Length);
        running.AddRange(snapshot.Running);
        var started = new List<Job>(plan.Starts.Length);
        foreach (var start in plan.Starts)
        {
            running.Add(new RunningJob(start.Job, start.Allocation, start.Borrowing));
            started.Add(start.Job);
        }

        // All starts leave the queue at once (the same queue as one by one, built with fewer copies).
        var pending = snapshot.Pending.RemoveAll(started, out var missing);
        if (missing is not null)
        {
            throw new InvalidOperationException($"Job {missing.Id} is not pending.");
        }

        foreach (var refusal in plan.Refusals)
        {
            var job = FindPending(pending, refusal.Job) ?? throw new InvalidOperationException($"Refused job {refusal.Job} is not pending.");
            pending = pending.Remove(job);
        }

        return snapshot with { Pending = pending, Running = RunningTeams.Remember(running.MoveToImmutable(), RunningTeams.ColumnsOf(snapshot.Running).Append(started)) };
    }

    /// <summary>
    /// A running job ended (succeeded, failed, cancelled or timed out): its allocation is freed, its use accrued to
    /// its team, its run time remembered for its owner's run-time predictions, and the team's remaining jobs re-marked (a borrowing job that now fits within nominal quota is no
    /// longer preemptible).
    /// </summary>
    public static ClusterSnapshot Release(ClusterSnapshot snapshot, JobId jobId, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var index = IndexOfRunning(snapshot, jobId);
        var ended = snapshot.Running[index];
        return snapshot with
        {
            Running = RemarkBorrowing(RunningTeams.RemoveAt(snapshot.Running, index), QuotaOf(snapshot, ended.Job.Team), newlyMade: true),
            Usage = Accrue(snapshot, ended, endedAt),
            RunTimes = RunTimePredictions.Record(snapshot.RunTimes, ended.Job.Spec.Owner, endedAt - ended.Allocation.Start),
        };
    }

    /// <summary>
    /// A stopped job goes back to its team's queue with its original submit time; what it held so far is accrued. When
    /// <paramref name="preempted"/> (the scheduler took its GPUs back) its <see cref="Job.TimesPreempted"/> grows by one;
    /// a person's requeue or a backend's (a failed node) is not a preemption and leaves the count as it was.
    /// </summary>
    public static ClusterSnapshot Requeue(ClusterSnapshot snapshot, JobId jobId, DateTimeOffset stoppedAt, bool preempted = true)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var index = IndexOfRunning(snapshot, jobId);
        var stopped = snapshot.Running[index];
        return snapshot with
        {
            Running = RemarkBorrowing(RunningTeams.RemoveAt(snapshot.Running, index), QuotaOf(snapshot, stopped.Job.Team), newlyMade: true),
            Pending = snapshot.Pending.Add(preempted ? stopped.Job with { TimesPreempted = stopped.Job.TimesPreempted + 1 } : stopped.Job),
            Usage = Accrue(snapshot, stopped, stoppedAt),
        };
    }

    public static ClusterSnapshot CancelPending(ClusterSnapshot snapshot, JobId jobId)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var job = FindPending(snapshot.Pending, jobId) ?? throw new InvalidOperationException($"Job {jobId} is not pending.");
        return snapshot with { Pending = snapshot.Pending.Remove(job) };
    }

    /// <summary>
    /// Sets a team's quota. Nothing running is stopped: the team's running jobs are re-marked oldest first, those
    /// that still fit within the new nominal quota stay guaranteed and the newest ones beyond it become borrowing
    /// (preemptible).
    /// </summary>
    public static ClusterSnapshot SetQuota(ClusterSnapshot snapshot, TeamQuota quota)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(quota);
        var quotas = snapshot.Quotas.RemoveAll(q => q.Team == quota.Team).Add(quota).Sort((a, b) => string.CompareOrdinal(a.Team, b.Team));
        var remarked = RemarkBorrowing(snapshot.Running, quota);
        return snapshot with { Quotas = quotas, Running = remarked };
    }

    /// <summary>The running jobs of <paramref name="quota"/>'s team that would become borrowing under it.</summary>
    public static IReadOnlyList<RunningJob> BecomeBorrowing(ClusterSnapshot snapshot, TeamQuota quota)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(quota);
        var remarked = RemarkBorrowing(snapshot.Running, quota);
        return [.. remarked.Where((r, i) => r.Borrowing && !snapshot.Running[i].Borrowing)];
    }

    public static ClusterSnapshot SetNodeState(ClusterSnapshot snapshot, string nodeName, NodeState state)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var index = snapshot.Nodes.IndexOf(snapshot.Nodes.FirstOrDefault(n => n.Name == nodeName)!);
        if (index < 0)
        {
            throw new InvalidOperationException($"There is no node named {nodeName}.");
        }

        return snapshot with { Nodes = snapshot.Nodes.SetItem(index, snapshot.Nodes[index] with { State = state }) };
    }

    /// <summary>Adds a node or replaces the node of the same name (its GPUs may have changed).</summary>
    public static ClusterSnapshot UpsertNode(ClusterSnapshot snapshot, Node node)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(node);
        var nodes = snapshot.Nodes.RemoveAll(n => n.Name == node.Name).Add(node).Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return snapshot with { Nodes = nodes };
    }

    /// <summary>The first quota of <paramref name="team"/> in the snapshot's list; null when none.</summary>
    private static TeamQuota? QuotaOf(ClusterSnapshot snapshot, string team) =>
        QuotasByTeam.Of(snapshot.Quotas).GetValueOrDefault(team);

    /// <summary>
    /// The quota list last looked in, indexed by team (the first quota of each): quota lists rarely change, and every
    /// release looked its team up by comparing names along the whole list.
    /// </summary>
    private sealed class QuotasByTeam
    {
        private static QuotasByTeam? last;

        private readonly TeamQuota[] list;
        private readonly Dictionary<string, TeamQuota> byTeam = new(StringComparer.Ordinal);

        private QuotasByTeam(TeamQuota[] list)
        {
            this.list = list;
            foreach (var quota in list)
            {
                byTeam.TryAdd(quota.Team, quota);
            }
        }

        public static Dictionary<string, TeamQuota> Of(ImmutableArray<TeamQuota> quotas)
        {
            var list = ImmutableCollectionsMarshal.AsArray(quotas) ?? [];
            if (Volatile.Read(ref last) is { } kept && ReferenceEquals(kept.list, list))
            {
                return kept.byTeam;
            }

            var made = new QuotasByTeam(list);
            Volatile.Write(ref last, made);
            return made.byTeam;
        }
    }

    /// <summary>
    /// <paramref name="running"/> with the marks of <paramref name="quota"/>'s team's jobs set again (oldest first keep
    /// the nominal quota). <paramref name="newlyMade"/>: the list was just made by the caller and no snapshot holds it
    /// yet, so flipped marks are written into it instead of into a copy (two copies of the whole list were made for each
    /// release that flipped a mark).
    /// </summary>
    private static ImmutableArray<RunningJob> RemarkBorrowing(ImmutableArray<RunningJob> running, TeamQuota? quota, bool newlyMade = false)
    {
        if (quota is null)
        {
            return running;
        }

        // Common case: when none of the team's jobs borrows and the team is within its nominal quota, nothing flips.
        var anyBorrowing = false;
        var total = ResourceAmount.Zero;
        var teamJobs = new List<int>(64);
        var columns = RunningTeams.ColumnsOf(running);
        columns.PositionsOf(TeamNumbers.Of(quota.Team), teamJobs);

        // Oldest first (then lowest id): the oldest jobs keep the nominal quota. Sorted by copied keys (start, id),
        // unique per job, so the order is the one comparing the jobs themselves gave; read in the same walk.
        var order = new (long StartTicks, long Id)[teamJobs.Count];
        for (var k = 0; k < order.Length; k++)
        {
            var job = running[teamJobs[k]];
            var allocation = job.Allocation;
            anyBorrowing |= job.Borrowing;
            total += allocation.Amount;
            order[k] = (allocation.Start.UtcTicks, job.Job.Id.Value);
        }

        if (!anyBorrowing && total.FitsWithin(quota.Nominal))
        {
            return running;
        }

        var positions = teamJobs.ToArray();
        Array.Sort(order, positions);
        ImmutableArray<RunningJob>.Builder? builder = null;
        var guaranteed = ResourceAmount.Zero;
        foreach (var index in positions)
        {
            var job = running[index];
            var withJob = guaranteed + job.Allocation.Amount;
            var fits = withJob.FitsWithin(quota.Nominal);
            if (fits)
            {
                guaranteed = withJob;
            }

            // Only jobs whose mark flips are replaced, and the list is copied only when one does (and was not just made).
            if (job.Borrowing == fits)
            {
                if (newlyMade)
                {
                    ImmutableCollectionsMarshal.AsArray(running)![index] = job with { Borrowing = !fits };
                    continue;
                }

                builder ??= running.ToBuilder();
                builder[index] = job with { Borrowing = !fits };
            }
        }

        return builder is null ? running : RunningTeams.Remember(builder.ToImmutable(), columns);
    }

    private static ImmutableArray<TeamUsage> Accrue(ClusterSnapshot snapshot, RunningJob ended, DateTimeOffset endedAt)
    {
        var team = ended.Job.Team;
        var usage = snapshot.Usage;

        // Usual case: the list is already in team order with one entry per team (every earlier accrual left it so),
        // and the team's entry is replaced where it stands; the general path below gives the same list. A list this
        // path made is known to be in that order (it replaced one entry of such a list by the same team's): the next
        // accrual finds the team by a binary search instead of checking the order along the whole list again.
        var list = ImmutableCollectionsMarshal.AsArray(usage);
        var known = ReferenceEquals(list, Volatile.Read(ref lastSortedUsage));
        if ((known ? IndexInSortedUsage(usage, team) : IndexInSortedUniqueUsage(usage, team)) is var at and >= 0)
        {
            var accruedInPlace = usage.SetItem(at, FairShare.Accrue(usage[at], ended.Allocation, endedAt, snapshot.Settings.FairShareHalfLife));
            Volatile.Write(ref lastSortedUsage, ImmutableCollectionsMarshal.AsArray(accruedInPlace));
            return accruedInPlace;
        }

        var existing = usage.FirstOrDefault(u => u.Team == team) ?? new TeamUsage(team, 0, 0, ended.Allocation.Start);
        var accrued = FairShare.Accrue(existing, ended.Allocation, endedAt, snapshot.Settings.FairShareHalfLife);

        return usage.RemoveAll(u => u.Team == team).Add(accrued).Sort((a, b) => string.CompareOrdinal(a.Team, b.Team));
    }

    /// <summary>The usage list the usual case of <see cref="Accrue"/> made last (in strict ordinal team order).</summary>
    private static TeamUsage[]? lastSortedUsage;

    /// <summary>Where <paramref name="team"/>'s entry is in a list known to be in strict ordinal team order; -1 when it has none.</summary>
    private static int IndexInSortedUsage(ImmutableArray<TeamUsage> usage, string team)
    {
        int low = 0, high = usage.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            var order = string.CompareOrdinal(usage[middle].Team, team);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>Where <paramref name="team"/>'s entry is, when the list is in strict ordinal team order; -1 otherwise.</summary>
    private static int IndexInSortedUniqueUsage(ImmutableArray<TeamUsage> usage, string team)
    {
        var found = -1;
        for (var i = 0; i < usage.Length; i++)
        {
            if (i > 0 && string.CompareOrdinal(usage[i - 1].Team, usage[i].Team) >= 0)
            {
                return -1;
            }

            if (found < 0 && usage[i].Team == team)
            {
                found = i;
            }
        }

        return found;
    }

    private static int IndexOfRunning(ClusterSnapshot snapshot, JobId jobId) =>
        RunningTeams.IndexOf(snapshot.Running, jobId) is var index and >= 0 ? index : throw new InvalidOperationException($"Job {jobId} is not running.");

    private static Job? FindPending(PendingQueue pending, JobId jobId) => pending.Find(jobId);
}
