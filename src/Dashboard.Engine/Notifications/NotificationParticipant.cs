using System.Collections.Immutable;
using Dashboard.Data.Notifications;
using Dashboard.Data.Usage;
using Dashboard.Data.Writing;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// Turns a batch's job state changes into notifications, added to the batch's changes so they are written in the same
/// transaction as the change that caused them (the outbox): started, ended (succeeded, failed, cancelled, walltime),
/// preempted, and, on the injected clock, waiting longer than the owner's threshold. Who is told where comes from the
/// <see cref="NotificationDirectory"/> (memory, no I/O on the loop). The delivery worker sends the outbox after the commit.
/// The look for jobs waiting too long (every <see cref="NotificationOptions.WaitingScanInterval"/>) runs off the writer
/// over the committed, immutable state (<see cref="WaitingLongScan"/>, one at a time); the writer then writes only what
/// it found, in the next batch, for the jobs still waiting.
/// </summary>
public sealed class NotificationParticipant : EngineParticipant
{
    private readonly NotificationDirectory directory;
    private readonly NotificationOptions options;
    private readonly Action? delivered;
    private readonly ClusterFeed? feed;
    private ClusterSnapshot previous = ClusterSnapshot.Empty;
    private ClusterSnapshot proposedPrevious = ClusterSnapshot.Empty;
    private PendingExplanations planPending = PendingExplanations.Empty;
    private PendingExplanations proposedPlanPending = PendingExplanations.Empty;
    private ImmutableHashSet<JobId> toldWaiting = [];
    private ImmutableHashSet<JobId> proposedWaiting = [];
    private DateTimeOffset lastWaitingScan = DateTimeOffset.MinValue;
    private WaitingLongScanResult? scanned;
    private int scanning;
    private bool scanTaken;
    private bool queuedInBatch;

    /// <param name="feed">Where the waiting jobs' explanations are published (their reason goes in the notice); without it, the writer's own pass's reasons.</param>
    public NotificationParticipant(NotificationDirectory directory, NotificationOptions options, Action? delivered = null, ClusterFeed? feed = null)
    {
        this.directory = directory;
        this.options = options;
        this.delivered = delivered;
        this.feed = feed;
    }

    /// <summary>Called on the scan's own thread as it starts (tests hold it there to show the writer goes on).</summary>
    internal Action? ScanStarting { get; set; }

    internal override IEnumerable<EngineCommand> Attach(ClusterState cluster, RecoveredState recovered)
    {
        previous = recovered.Snapshot;
        return [];
    }

    internal override CommandResult? Apply(ClusterState cluster, EngineCommand command, EngineBatch batch) => null;

    internal override void AfterPlan(ClusterState cluster, EngineBatch batch)
    {
        var recipients = new SortedSet<string>(StringComparer.Ordinal);
        var usage = batch.Changes.OfType<JobUsageRecorded>().ToDictionary(u => u.Usage.Job, u => u.Usage);
        foreach (var change in batch.Changes.OfType<JobStateChanged>().ToList())
        {
            if (FactOf(change, cluster.Snapshot, usage) is { } fact && Queue(fact, batch))
            {
                recipients.Add(fact.Owner);
            }
        }

        foreach (var finished in batch.Events.OfType<SweepFinishedEvent>().ToList())
        {
            if (QueueSweep(new SweepFact(finished.Sweep, finished.Name, finished.Owner, finished.At, finished.Size, finished.Succeeded, finished.Failed, finished.Cancelled), batch))
            {
                recipients.Add(finished.Owner);
            }
        }

        proposedWaiting = toldWaiting;
        if (Interlocked.Exchange(ref scanned, null) is { } found)
        {
            scanTaken = true;
            proposedWaiting = WriteWaitingLong(found, cluster, batch, recipients);
        }

        proposedPrevious = cluster.Snapshot;
        proposedPlanPending = cluster.PlanPending;
        queuedInBatch = recipients.Count > 0;
        if (queuedInBatch)
        {
            batch.Events.Add(new NotificationsQueuedEvent([.. recipients], batch.Now));
        }
    }

    internal override ClusterUpdate Describe(ClusterUpdate update, ClusterState cluster, DateTimeOffset now) => update;

    internal override void AfterCommit(EngineBatch batch, CancellationToken cancellationToken)
    {
        previous = proposedPrevious;
        planPending = proposedPlanPending;
        toldWaiting = proposedWaiting;
        if (scanTaken)
        {
            // The scan's findings are written (or, where their batch failed, dropped: the next scan finds them again).
            scanTaken = false;
            Volatile.Write(ref scanning, 0);
        }

        if (queuedInBatch)
        {
            delivered?.Invoke();
        }

        if (batch.Now - lastWaitingScan >= options.WaitingScanInterval && Interlocked.CompareExchange(ref scanning, 1, 0) == 0)
        {
            lastWaitingScan = batch.Now;
            StartScan(previous, planPending, toldWaiting, batch.Now);
        }
    }

    private void StartScan(ClusterSnapshot snapshot, PendingExplanations reasons, ImmutableHashSet<JobId> told, DateTimeOffset now)
    {
        var explained = feed?.Explanations.ByJob;
        _ = Task.Run(() =>
        {
            try
            {
                ScanStarting?.Invoke();
                Volatile.Write(ref scanned, WaitingLongScan.Run(snapshot, told, now, directory, job =>
                    (explained is not null && explained.TryGetValue(job, out var known) ? known : reasons.Find(job))?.Reason.Describe()));
            }
#pragma warning disable CA1031 // A scan that fails must not stop the next one: it is dropped and the next scan looks again.
            catch (Exception)
#pragma warning restore CA1031
            {
                scanned = new WaitingLongScanResult([], told);
            }

            RequestBatch();
        });
    }

    /// <summary>Notifies the owner of a finished sweep (from the <see cref="SweepFinishedEvent"/> of the batch that ended its last job).</summary>
    internal bool QueueSweep(SweepFact fact, EngineBatch batch)
    {
        var (title, body) = JobNotices.Describe(fact);
        return Queue($"sweep:{fact.Sweep}:finished", NotificationKind.SweepFinished, fact.Owner, null, title, body, $"{options.PublicUrl.TrimEnd('/')}/jobs?sweep={fact.Sweep}", fact.At, batch);
    }

    private JobFact? FactOf(JobStateChanged change, ClusterSnapshot now, Dictionary<JobId, JobUsage> usage)
    {
        var job = FindJob(now, change.Job) ?? FindJob(previous, change.Job);
        if (job is null)
        {
            return null;
        }

        var ran = usage.GetValueOrDefault(change.Job);
        var runTime = ran is null ? (TimeSpan?)null : TimeSpan.FromSeconds(ran.RunSeconds);
        var gpuHours = ran is null ? (double?)null : ran.GpuSeconds / 3600.0;
        var fact = new JobFact(NotificationKind.JobStarted, change.Job, job.Spec.Name, job.Spec.Owner, change.At, change.Reason, change.ExitCode, runTime, gpuHours);
        return (change.From, change.To) switch
        {
            (JobState.Pending, JobState.Running) => fact with
            {
                Placement = now.Running.FirstOrDefault(r => r.Job.Id == change.Job)?.Allocation.Describe(),
                Waited = change.At - job.SubmittedAt,
            },
            (JobState.Running, JobState.Pending) when change.Reason?.StartsWith("preempted", StringComparison.Ordinal) == true => fact with { Kind = NotificationKind.JobPreempted },
            (_, JobState.Succeeded) => fact with { Kind = NotificationKind.JobSucceeded },
            (_, JobState.Failed) or (_, JobState.Rejected) => fact with { Kind = NotificationKind.JobFailed },
            (_, JobState.Cancelled) => fact with { Kind = NotificationKind.JobCancelled },
            (_, JobState.TimedOut) => fact with { Kind = NotificationKind.JobTimedOut },
            _ => null,
        };
    }

    private bool Queue(JobFact fact, EngineBatch batch)
    {
        var (title, body) = JobNotices.Describe(fact);
        var key = fact.Kind == NotificationKind.JobWaitingLong
            ? $"job:{fact.Job}:waiting"
            : $"job:{fact.Job}:{NotificationNames.Of(fact.Kind)}:{fact.At.ToUnixTimeMilliseconds()}";
        return Queue(key, fact.Kind, fact.Owner, fact.Job.Value, title, body, options.JobLink(fact.Job.Value), fact.At, batch);
    }

    private bool Queue(string key, NotificationKind kind, string owner, long? job, string title, string body, string link, DateTimeOffset at, EngineBatch batch) =>
        OutboxRouting.TryQueue(directory, new NewNotification(key, owner, kind, job, title, body, link, at, InDashboard: false), batch);

    /// <summary>On the writer: the scan's findings for the jobs still waiting now (a few jobs, looked up by id).</summary>
    private ImmutableHashSet<JobId> WriteWaitingLong(WaitingLongScanResult found, ClusterState cluster, EngineBatch batch, SortedSet<string> recipients)
    {
        var told = found.StillWaiting.ToBuilder();
        foreach (var job in found.Found)
        {
            if (cluster.Snapshot.Pending.Find(job.Job) is null || !told.Add(job.Job))
            {
                continue;
            }

            if (Queue(new JobFact(NotificationKind.JobWaitingLong, job.Job, job.Name, job.Owner, batch.Now, job.Reason, Waited: batch.Now - job.SubmittedAt), batch))
            {
                recipients.Add(job.Owner);
            }
        }

        return told.ToImmutable();
    }

    private static Job? FindJob(ClusterSnapshot snapshot, JobId id)
    {
        if (snapshot.Pending.Find(id) is { } pending)
        {
            return pending;
        }

        foreach (var running in snapshot.Running)
        {
            if (running.Job.Id == id)
            {
                return running.Job;
            }
        }

        return null;
    }
}
