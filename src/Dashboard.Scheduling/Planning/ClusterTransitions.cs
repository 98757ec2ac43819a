using System.Collections.Immutable;
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
        if (snapshot.Running.Any(r => r.Job.Id == job.Id))
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
        var pending = snapshot.Pending;
        var running = snapshot.Running.ToBuilder();
        var teams = new List<string>(RunningTeams.Of(snapshot.Running));
        foreach (var start in plan.Starts)
        {
            pending = RemovePending(pending, start.Job);
            running.Add(new RunningJob(start.Job, start.Allocation, start.Borrowing));
            teams.Add(start.Job.Team);
        }

        foreach (var refusal in plan.Refusals)
        {
            var job = FindPending(pending, refusal.Job) ?? throw new InvalidOperationException($"Refused job {refusal.Job} is not pending.");
            pending = pending.Remove(job);
        }

        return snapshot with { Pending = pending, Running = RunningTeams.Remember(running.ToImmutable(), [.. teams]) };
    }

    /// <summary>
    /// A running job ended (succeeded, failed, cancelled or timed out): its allocation is freed, its use accrued to
    /// its team, and the team's remaining jobs re-marked (a borrowing job that now fits within nominal quota is no
    /// longer preemptible).
    /// </summary>
    public static ClusterSnapshot Release(ClusterSnapshot snapshot, JobId jobId, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var index = IndexOfRunning(snapshot, jobId);
        var ended = snapshot.Running[index];
        return snapshot with
        {
            Running = RemarkBorrowing(RunningTeams.RemoveAt(snapshot.Running, index), QuotaOf(snapshot, ended.Job.Team)),
            Usage = Accrue(snapshot, ended, endedAt),
        };
    }

    /// <summary>A preempted job goes back to its team's queue with its original submit time; what it held so far is accrued.</summary>
    public static ClusterSnapshot Requeue(ClusterSnapshot snapshot, JobId jobId, DateTimeOffset stoppedAt)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var index = IndexOfRunning(snapshot, jobId);
        var stopped = snapshot.Running[index];
        return snapshot with
        {
            Running = RemarkBorrowing(RunningTeams.RemoveAt(snapshot.Running, index), QuotaOf(snapshot, stopped.Job.Team)),
            Pending = snapshot.Pending.Add(stopped.Job),
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

    private static TeamQuota? QuotaOf(ClusterSnapshot snapshot, string team) => snapshot.Quotas.FirstOrDefault(q => q.Team == team);

    private static ImmutableArray<RunningJob> RemarkBorrowing(ImmutableArray<RunningJob> running, TeamQuota? quota)
    {
        if (quota is null)
        {
            return running;
        }

        // Common case: when none of the team's jobs borrows and the team is within its nominal quota, nothing flips.
        var anyBorrowing = false;
        var total = ResourceAmount.Zero;
        var teamJobs = new List<int>();
        var teams = RunningTeams.Of(running);
        for (var i = 0; i < teams.Length; i++)
        {
            if (teams[i] == quota.Team)
            {
                var job = running[i];
                anyBorrowing |= job.Borrowing;
                total += job.Allocation.Amount;
                teamJobs.Add(i);
            }
        }

        if (!anyBorrowing && total.FitsWithin(quota.Nominal))
        {
            return running;
        }

        // Oldest first (then lowest id): the oldest jobs keep the nominal quota.
        teamJobs.Sort((x, y) =>
        {
            var byStart = running[x].Allocation.Start.CompareTo(running[y].Allocation.Start);
            return byStart != 0 ? byStart : running[x].Job.Id.CompareTo(running[y].Job.Id);
        });
        ImmutableArray<RunningJob>.Builder? builder = null;
        var guaranteed = ResourceAmount.Zero;
        foreach (var index in teamJobs)
        {
            var job = running[index];
            var withJob = guaranteed + job.Allocation.Amount;
            var fits = withJob.FitsWithin(quota.Nominal);
            if (fits)
            {
                guaranteed = withJob;
            }

            // Only jobs whose mark flips are replaced, and the list is copied only when one does.
            if (job.Borrowing == fits)
            {
                builder ??= running.ToBuilder();
                builder[index] = job with { Borrowing = !fits };
            }
        }

        return builder is null ? running : RunningTeams.Remember(builder.ToImmutable(), teams);
    }

    private static ImmutableArray<TeamUsage> Accrue(ClusterSnapshot snapshot, RunningJob ended, DateTimeOffset endedAt)
    {
        var team = ended.Job.Team;
        var existing = snapshot.Usage.FirstOrDefault(u => u.Team == team) ?? new TeamUsage(team, 0, 0, ended.Allocation.Start);
        var accrued = FairShare.Accrue(existing, ended.Allocation, endedAt, snapshot.Settings.FairShareHalfLife);
        return snapshot.Usage.RemoveAll(u => u.Team == team).Add(accrued).Sort((a, b) => string.CompareOrdinal(a.Team, b.Team));
    }

    private static int IndexOfRunning(ClusterSnapshot snapshot, JobId jobId)
    {
        for (var i = 0; i < snapshot.Running.Length; i++)
        {
            if (snapshot.Running[i].Job.Id == jobId)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"Job {jobId} is not running.");
    }

    private static PendingQueue RemovePending(PendingQueue pending, Job job)
    {
        var removed = pending.Remove(job);
        return ReferenceEquals(removed, pending) ? throw new InvalidOperationException($"Job {job.Id} is not pending.") : removed;
    }

    private static Job? FindPending(PendingQueue pending, JobId jobId) => pending.Find(jobId);
}
