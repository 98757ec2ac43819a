using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Loop;

/// <summary>
/// One log entry per job state change, written after its batch committed, each with a stable event id and a scope
/// naming the job, its owner and its team, so a JSON console log (or any structured sink) can be filtered by job.
/// </summary>
public static partial class JobLifecycleLog
{
    public const int SubmittedId = 1001;
    public const int StartedId = 1002;
    public const int EndedId = 1003;
    public const int CancelledId = 1004;
    public const int RejectedId = 1005;
    public const int RequeuedId = 1006;

    /// <summary>Logs the job state changes among <paramref name="events"/> (nothing when Information is off).</summary>
    public static void Committed(ILogger logger, IReadOnlyList<ClusterEvent> events)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(events);
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        foreach (var change in events.OfType<JobStateChangedEvent>())
        {
            using var scope = logger.BeginScope(new JobScope(change.Job.Value, change.Owner, change.Team));
            switch (change)
            {
                case { From: JobState.Pending, To: JobState.Pending }:
                    Submitted(logger, change.Job, change.Owner, change.Team);
                    break;
                case { To: JobState.Running }:
                    Started(logger, change.Job);
                    break;
                case { From: JobState.Running, To: JobState.Pending }:
                    Requeued(logger, change.Job, change.Reason ?? string.Empty);
                    break;
                case { To: JobState.Cancelled }:
                    Cancelled(logger, change.Job, change.From, change.Reason ?? string.Empty);
                    break;
                case { To: JobState.Rejected }:
                    Rejected(logger, change.Job, change.Reason ?? string.Empty);
                    break;
                default:
                    Ended(logger, change.Job, change.To, change.Reason ?? string.Empty);
                    break;
            }
        }
    }

    [LoggerMessage(EventId = SubmittedId, EventName = "JobSubmitted", Level = LogLevel.Information, Message = "Job {Job} submitted by {Owner} to {Team}")]
    private static partial void Submitted(ILogger logger, JobId job, string owner, string team);

    [LoggerMessage(EventId = StartedId, EventName = "JobStarted", Level = LogLevel.Information, Message = "Job {Job} started")]
    private static partial void Started(ILogger logger, JobId job);

    [LoggerMessage(EventId = EndedId, EventName = "JobEnded", Level = LogLevel.Information, Message = "Job {Job} ended {State} {Reason}")]
    private static partial void Ended(ILogger logger, JobId job, JobState state, string reason);

    [LoggerMessage(EventId = CancelledId, EventName = "JobCancelled", Level = LogLevel.Information, Message = "Job {Job} cancelled while {From} {Reason}")]
    private static partial void Cancelled(ILogger logger, JobId job, JobState from, string reason);

    [LoggerMessage(EventId = RejectedId, EventName = "JobRejected", Level = LogLevel.Information, Message = "Job {Job} rejected: {Reason}")]
    private static partial void Rejected(ILogger logger, JobId job, string reason);

    [LoggerMessage(EventId = RequeuedId, EventName = "JobRequeued", Level = LogLevel.Information, Message = "Job {Job} requeued: {Reason}")]
    private static partial void Requeued(ILogger logger, JobId job, string reason);

    /// <summary>The scope of a job's entries: its fields for structured sinks, "job 7 (alice, vision)" for plain text.</summary>
    private sealed class JobScope(long job, string owner, string team) : IReadOnlyList<KeyValuePair<string, object>>
    {
        private readonly KeyValuePair<string, object>[] fields = [new("JobId", job), new("Owner", owner), new("Team", team)];

        public int Count => fields.Length;

        public KeyValuePair<string, object> this[int index] => fields[index];

        public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object>>)fields).GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => $"job {job} ({owner}, {team})";
    }
}
