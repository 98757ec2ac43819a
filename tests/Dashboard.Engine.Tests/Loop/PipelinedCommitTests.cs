using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// The writer applies the next batch while the one before it commits, and still answers (and publishes) nothing
/// before its own commit has returned; a commit that fails undoes what was applied on top of it too.
/// </summary>
public class PipelinedCommitTests
{
    [Fact]
    public async Task A_submit_that_arrives_while_a_batch_commits_is_applied_meanwhile_and_answered_only_after_its_own_commit()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        var held = new HeldCommits();
        engine.Journal.Before = held.Hold;

        var first = engine.Engine.SubmitAsync(Spec(gpus: 1), "alice");
        var firstCommit = await held.Next().WaitAsync(Patience);
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Loop.Applied = _ => applied.TrySetResult();
        var second = engine.Engine.SubmitAsync(Spec(gpus: 1, owner: "bob"), "bob");

        await applied.Task.WaitAsync(Patience);
        first.IsCompleted.Should().BeFalse("its commit has not returned");
        second.IsCompleted.Should().BeFalse("its commit has not even started");
        engine.Feed.Current!.Snapshot.Running.Should().BeEmpty("nothing uncommitted is published");

        firstCommit.Release();
        var secondCommit = await held.Next().WaitAsync(Patience);
        var firstResult = await first.WaitAsync(Patience);
        firstResult.Succeeded.Should().BeTrue();
        engine.Feed.Current!.Snapshot.Running.Select(r => r.Job.Id).Should().Equal(firstResult.Job!.Value);
        second.IsCompleted.Should().BeFalse("its own commit is still held");

        secondCommit.Release();
        var secondResult = await second.WaitAsync(Patience);
        secondResult.Succeeded.Should().BeTrue();
        engine.Feed.Current!.Snapshot.Running.Select(r => r.Job.Id).Should().BeEquivalentTo([firstResult.Job!.Value, secondResult.Job!.Value]);
        var submitted = engine.Journal.Committed.SelectMany(c => c.OfType<JobSubmitted>()).Select(s => s.Job.Spec.Owner).ToList();
        submitted.Should().Equal("alice", "bob");
        engine.Jobs.Find(secondResult.Job!.Value)!.State.Should().Be(JobState.Running);
    }

    [Fact]
    public async Task When_a_commit_fails_the_batch_applied_on_top_of_it_is_applied_again_without_it()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        var held = new HeldCommits();
        engine.Journal.Before = held.Hold;

        var failing = engine.Engine.SubmitAsync(Spec(gpus: 1), "alice");
        var failingCommit = await held.Next().WaitAsync(Patience);
        var applied = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        engine.Loop.Applied = _ => applied.TrySetResult();
        var onTop = engine.Engine.SubmitAsync(Spec(gpus: 1, owner: "bob"), "bob");
        await applied.Task.WaitAsync(Patience);

        failingCommit.Fail(new IOException("disk full"));
        var retried = await held.Next().WaitAsync(Patience);
        (await failing.Awaiting(f => f.WaitAsync(Patience)).Should().ThrowAsync<InvalidOperationException>()).WithMessage("*could not be saved*disk full*");
        onTop.IsCompleted.Should().BeFalse("its batch was applied again and is being committed");
        retried.Changes.OfType<JobSubmitted>().Select(s => (s.Job.Id.Value, s.Job.Spec.Owner)).Should().Equal((1L, "bob"));
        retried.Changes.OfType<JobSubmitted>().Should().NotContain(s => s.Job.Spec.Owner == "alice", "the failed batch is undone under it");

        retried.Release();
        var accepted = await onTop.WaitAsync(Patience);
        accepted.Succeeded.Should().BeTrue();
        accepted.Job!.Value.Value.Should().Be(1, "the failed submit's id was given back with its batch");
        engine.Feed.Current!.Snapshot.Running.Select(r => r.Job.Spec.Owner).Should().Equal("bob");
        engine.Jobs.Find(new JobId(1))!.Job.Spec.Owner.Should().Be("bob");
    }

    /// <summary>Holds each commit until the test releases it (or makes it fail), one at a time, in the order they come.</summary>
    private sealed class HeldCommits
    {
        private readonly Lock gate = new();
        private readonly Queue<TaskCompletionSource<HeldCommit>> waiting = new();
        private readonly Queue<HeldCommit> arrived = new();

        public async Task Hold(IReadOnlyList<ClusterChange> changes)
        {
            var commit = new HeldCommit(changes);
            lock (gate)
            {
                if (waiting.TryDequeue(out var waiter))
                {
                    waiter.SetResult(commit);
                }
                else
                {
                    arrived.Enqueue(commit);
                }
            }

            await commit.Outcome;
        }

        /// <summary>The next commit to arrive, held.</summary>
        public Task<HeldCommit> Next()
        {
            lock (gate)
            {
                if (arrived.TryDequeue(out var commit))
                {
                    return Task.FromResult(commit);
                }

                var waiter = new TaskCompletionSource<HeldCommit>(TaskCreationOptions.RunContinuationsAsynchronously);
                waiting.Enqueue(waiter);
                return waiter.Task;
            }
        }
    }

    private sealed class HeldCommit(IReadOnlyList<ClusterChange> changes)
    {
        private readonly TaskCompletionSource outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<ClusterChange> Changes { get; } = changes;

        public Task Outcome => outcome.Task;

        public void Release() => outcome.SetResult();

        public void Fail(Exception error) => outcome.SetException(error);
    }
}
