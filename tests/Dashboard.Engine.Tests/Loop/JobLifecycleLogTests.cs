using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Tests.Loop;

public sealed class JobLifecycleLogTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Each_job_state_change_is_one_entry_with_its_event_id_and_a_scope_naming_job_owner_and_team()
    {
        var logger = new RecordingLogger();
        var job = new JobId(42);
        ClusterEvent[] events =
        [
            new JobStateChangedEvent(job, "alice", "vision", JobState.Pending, JobState.Pending, "submitted", At),
            new NodeChangedEvent(new Node("n", [], 1000, 1024), null, At),
            new JobStateChangedEvent(job, "alice", "vision", JobState.Pending, JobState.Running, null, At),
            new JobStateChangedEvent(job, "alice", "vision", JobState.Running, JobState.Pending, "preempted", At),
            new JobStateChangedEvent(job, "alice", "vision", JobState.Running, JobState.Cancelled, "cancelled by lead", At),
            new JobStateChangedEvent(new JobId(43), "bob", "nlp", JobState.Running, JobState.Failed, "exited with code 1", At),
            new JobStateChangedEvent(new JobId(44), "bob", "nlp", JobState.Pending, JobState.Rejected, "needs 16 GPUs", At),
        ];

        JobLifecycleLog.Committed(logger, events);

        logger.Entries.Select(e => (e.Id.Id, e.Id.Name)).Should().Equal(
            (JobLifecycleLog.SubmittedId, "JobSubmitted"),
            (JobLifecycleLog.StartedId, "JobStarted"),
            (JobLifecycleLog.RequeuedId, "JobRequeued"),
            (JobLifecycleLog.CancelledId, "JobCancelled"),
            (JobLifecycleLog.EndedId, "JobEnded"),
            (JobLifecycleLog.RejectedId, "JobRejected"));
        logger.Entries[0].Message.Should().Be("Job 42 submitted by alice to vision");
        logger.Entries[4].Message.Should().Be("Job 43 ended Failed exited with code 1");
        logger.Entries[4].Scope.Should().Contain(new KeyValuePair<string, object>("JobId", 43L))
            .And.Contain(new KeyValuePair<string, object>("Owner", "bob"))
            .And.Contain(new KeyValuePair<string, object>("Team", "nlp"));
        logger.ScopeText.Should().Be("job 44 (bob, nlp)", "the last scope opened, for plain-text sinks");
    }

    [Fact]
    public void Nothing_is_written_or_scoped_when_information_is_off()
    {
        var logger = new RecordingLogger { Minimum = LogLevel.Warning };

        JobLifecycleLog.Committed(logger, [new JobStateChangedEvent(new JobId(1), "alice", "vision", JobState.Pending, JobState.Pending, "submitted", At)]);

        logger.Entries.Should().BeEmpty();
        logger.ScopesOpened.Should().Be(0);
    }

    private sealed class RecordingLogger : ILogger
    {
        private IReadOnlyDictionary<string, object>? scope;

        public LogLevel Minimum { get; init; } = LogLevel.Trace;

        public List<(EventId Id, string Message, IReadOnlyDictionary<string, object> Scope)> Entries { get; } = [];

        public int ScopesOpened { get; private set; }

        public string? ScopeText { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            ScopesOpened++;
            scope = (state as IEnumerable<KeyValuePair<string, object>>)?.ToDictionary(p => p.Key, p => p.Value);
            ScopeText = state.ToString();
            return new Closing(this);
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= Minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((eventId, formatter(state, exception), scope ?? new Dictionary<string, object>()));

        private sealed class Closing(RecordingLogger logger) : IDisposable
        {
            public void Dispose() => logger.scope = null;
        }
    }
}
