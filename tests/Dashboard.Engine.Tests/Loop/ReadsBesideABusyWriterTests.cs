using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

public class ReadsBesideABusyWriterTests
{
    [Fact]
    public async Task While_the_writer_is_held_inside_a_batch_the_job_list_the_what_if_and_the_explanations_still_answer()
    {
        var journal = new HoldingJournal();
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], wrapJournal: inner => journal.Around(inner));
        await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        var waiting = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        var before = await engine.WaitForExplanationsAsync(engine.Feed.Current!);

        journal.Hold();
        var held = engine.Engine.SubmitAsync(Spec(gpus: 1), "alice");
        await journal.Holding.WaitAsync(Patience);

        // The writer is inside a batch that cannot commit: every read below must answer without it.
        var page = await Task.Run(() => engine.Jobs.Page(new JobQuery(Owner: "alice"))).WaitAsync(Patience);
        page.Items.Select(j => j.Job.Id).Should().Contain(waiting);
        var whatIf = await Task.Run(() => WhatIf.Evaluate(engine.Feed.Current!.Snapshot, Spec(gpus: 1), Start)).WaitAsync(Patience);
        whatIf.Should().NotBeNull();
        engine.Feed.Current!.Explanations[waiting].EstimatedStart.Should().Be(before.Explanations[waiting].EstimatedStart);
        held.IsCompleted.Should().BeFalse("the batch is still held");

        journal.Release();
        (await held.WaitAsync(Patience)).Succeeded.Should().BeTrue();
    }

    /// <summary>A journal whose commits can be held until released: the writer stays inside its batch meanwhile.</summary>
    private sealed class HoldingJournal
    {
        private readonly TaskCompletionSource holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource? gate;

        /// <summary>Completes when a commit is being held.</summary>
        public Task Holding => holding.Task;

        public void Hold() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => gate?.TrySetResult();

        public IClusterJournal Around(IClusterJournal inner) => new Wrapped(this, inner);

        private sealed class Wrapped(HoldingJournal owner, IClusterJournal inner) : IClusterJournal
        {
            public async Task CommitAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
            {
                if (owner.gate is { } gate)
                {
                    owner.holding.TrySetResult();
                    await gate.Task.WaitAsync(cancellationToken);
                }

                await inner.CommitAsync(changes, cancellationToken);
            }
        }
    }
}
