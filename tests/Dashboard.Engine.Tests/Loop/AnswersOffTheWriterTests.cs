using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// A caller's code after its answer runs on another thread than the writer: the writer answers and goes on with its
/// batch (the executors, the participants after the commit) while callers run their HTTP work.
/// </summary>
public sealed class AnswersOffTheWriterTests
{
    [Fact]
    public async Task A_caller_blocked_after_its_answer_does_not_hold_the_writer()
    {
        var afterCommit = new AfterCommitSignal();
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("sim1", gpus: 2)], participants: [afterCommit]);
        afterCommit.Arm();

        // The caller's continuation (asked to run synchronously) waits until the writer has passed its batch's
        // AfterCommit. Were it run inline by the answer, on the writer, the writer could not get there and the wait
        // would run out (checked: it does without RunContinuationsAsynchronously in ClusterEngine).
        var reachedAfterCommit = await engine.Engine.SubmitAsync(EngineHarness.Spec(gpus: 1), "alice")
            .ContinueWith(answer => afterCommit.Passed.Wait(EngineHarness.Patience) && answer.Result.Succeeded, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
            .WaitAsync(EngineHarness.Patience * 2);

        reachedAfterCommit.Should().BeTrue();
    }

    private sealed class AfterCommitSignal : EngineParticipant
    {
        private volatile bool armed;

        public ManualResetEventSlim Passed { get; } = new();

        public void Arm() => armed = true;

        internal override IEnumerable<EngineCommand> Attach(ClusterState cluster, RecoveredState recovered) => [];

        internal override CommandResult? Apply(ClusterState cluster, EngineCommand command, EngineBatch batch) => null;

        internal override void AfterPlan(ClusterState cluster, EngineBatch batch)
        {
        }

        internal override ClusterUpdate Describe(ClusterUpdate update, ClusterState cluster, DateTimeOffset now) => update;

        internal override void AfterCommit(EngineBatch batch, CancellationToken cancellationToken)
        {
            if (armed && batch.Answers.Count > 0)
            {
                Passed.Set();
            }
        }
    }
}
