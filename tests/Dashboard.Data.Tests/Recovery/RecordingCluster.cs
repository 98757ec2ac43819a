using Dashboard.Data.Usage;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Data.Tests.Recovery;

/// <summary>
/// What the engine will do, in miniature: apply a pure <see cref="ClusterTransitions"/> step to the in-memory
/// snapshot and collect the changes that persist it. Tests write <see cref="TakeChanges"/> and compare a recovered
/// snapshot with <see cref="Snapshot"/>.
/// </summary>
internal sealed class RecordingCluster(SchedulerSettings settings)
{
    private List<ClusterChange> changes = [];

    public ClusterSnapshot Snapshot { get; private set; } = ClusterSnapshot.Empty with { Settings = settings };

    public List<ClusterChange> TakeChanges()
    {
        var taken = changes;
        changes = [];
        return taken;
    }

    public void UpsertNode(Node node, DateTimeOffset at)
    {
        Snapshot = ClusterTransitions.UpsertNode(Snapshot, node);
        changes.Add(new NodeUpserted(node, at));
    }

    public void SetNodeState(string node, NodeState state, string reason, DateTimeOffset at)
    {
        Snapshot = ClusterTransitions.SetNodeState(Snapshot, node, state);
        changes.Add(new NodeStateChanged(node, state, reason, at));
    }

    public void SetQuota(TeamQuota quota, DateTimeOffset at)
    {
        var before = BorrowingFlags();
        Snapshot = ClusterTransitions.SetQuota(Snapshot, quota);
        changes.Add(new QuotaSet(quota, at));
        RecordBorrowingChanges(before);
    }

    public void Submit(Job job)
    {
        Snapshot = ClusterTransitions.Submit(Snapshot, job);
        changes.Add(new JobSubmitted(job));
    }

    public void Start(JobId id, GpuAllocation allocation, bool borrowing)
    {
        var job = Snapshot.Pending.Find(id) ?? throw new InvalidOperationException($"job {id} is not pending");
        Snapshot = ClusterTransitions.ApplyPlan(Snapshot, SchedulePlan.Empty with { Starts = [new JobStart(job, allocation, borrowing)] });
        changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Running, allocation.Start));
        changes.Add(new AllocationMade(allocation, borrowing));
    }

    public void End(JobId id, JobState end, DateTimeOffset at, int exitCode)
    {
        var running = Snapshot.Running.Single(r => r.Job.Id == id);
        var before = BorrowingFlags();
        Snapshot = ClusterTransitions.Release(Snapshot, id, at);
        changes.Add(new AllocationReleased(id, at));
        changes.Add(new JobStateChanged(id, JobState.Running, end, at, $"exited with code {exitCode}", exitCode));
        RecordUsage(running, at);
        RecordBorrowingChanges(before);
    }

    public void Requeue(JobId id, DateTimeOffset at)
    {
        var running = Snapshot.Running.Single(r => r.Job.Id == id);
        var before = BorrowingFlags();
        Snapshot = ClusterTransitions.Requeue(Snapshot, id, at);
        changes.Add(new AllocationReleased(id, at));
        changes.Add(new JobStateChanged(id, JobState.Running, JobState.Pending, at, "preempted") { Preempted = true });
        RecordUsage(running, at);
        RecordBorrowingChanges(before);
    }

    public void Cancel(JobId id, DateTimeOffset at)
    {
        Snapshot = ClusterTransitions.CancelPending(Snapshot, id);
        changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Cancelled, at, "cancelled"));
    }

    private Dictionary<JobId, bool> BorrowingFlags() => Snapshot.Running.ToDictionary(r => r.Job.Id, r => r.Borrowing);

    /// <summary>Ending, requeueing and quota changes re-mark a team's running jobs; the engine persists each flip.</summary>
    private void RecordBorrowingChanges(Dictionary<JobId, bool> before)
    {
        foreach (var running in Snapshot.Running.Where(r => before[r.Job.Id] != r.Borrowing))
        {
            changes.Add(new BorrowingChanged(running.Job.Id, running.Borrowing));
        }
    }

    private void RecordUsage(RunningJob ended, DateTimeOffset at)
    {
        changes.Add(new TeamUsageSet(Snapshot.Usage.Single(u => u.Team == ended.Job.Team)));
        var (gpuSeconds, cpuSeconds) = FairShare.Held(ended.Allocation, at);
        var run = (at - ended.Allocation.Start).TotalSeconds;
        var wait = (ended.Allocation.Start - ended.Job.SubmittedAt).TotalSeconds;
        changes.Add(new JobUsageRecorded(new JobUsage(ended.Job.Id, wait, run, gpuSeconds, cpuSeconds, ended.Allocation.MemoryMiB * run, at)));
    }
}
