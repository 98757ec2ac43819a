using Dashboard.Data.Writing;
using Dashboard.Engine.Loop;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// Group commit (<see cref="EngineOptions.GatherWait"/>): callers answered together who send again are committed together,
/// instead of a half batch committing while the other half is on its way; a caller alone is never held. The wait is set far
/// beyond the tests' patience, so only the count of commands can end it here: a test that passes was not timed.
/// </summary>
public sealed class GroupCommitTests
{
    private static readonly EngineOptions Gathering = new() { GatherWait = TimeSpan.FromHours(1), GatherAtMost = 4 };

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Callers_answered_together_who_send_again_are_committed_in_one_transaction()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], options: Gathering);
        await engine.Engine.SubmitAsync(Spec(), "alice").WaitAsync(Patience, Cancel);

        // Four submits in one batch: sent while a blocker's commit is held.
        var (blocker, release) = await engine.HoldABlockerAsync();
        var four = Enumerable.Range(0, 4).Select(_ => engine.Engine.SubmitAsync(Spec() with { Name = "first" }, "alice")).ToList();
        release();
        await blocker.WaitAsync(Patience, Cancel);
        (await Task.WhenAll(four).WaitAsync(Patience, Cancel)).Should().OnlyContain(r => r.Succeeded);
        var before = engine.Journal.Committed.Count;

        // The four callers send again, one after another: the writer waits for all four, then commits them together.
        var again = new List<Task<CommandResult>>();
        for (var i = 0; i < 4; i++)
        {
            again.Add(engine.Engine.SubmitAsync(Spec() with { Name = "again" }, "alice"));
            await Task.Yield();
        }

        (await Task.WhenAll(again).WaitAsync(Patience, Cancel)).Should().OnlyContain(r => r.Succeeded);
        var transactions = engine.Journal.Committed.Skip(before).ToList();
        transactions.Should().ContainSingle("the four callers answered together are committed together");
        transactions[0].OfType<JobSubmitted>().Select(s => s.Job.Spec.Name).Should().Equal("again", "again", "again", "again");
    }

    [Fact]
    public async Task A_caller_alone_is_never_held()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], options: Gathering);
        var before = engine.Journal.Committed.Count;

        // Each submit is answered before the next is sent: with an hour's wait, any hold would outlast the patience.
        for (var i = 0; i < 5; i++)
        {
            await engine.SubmitAsync(Spec());
        }

        engine.Journal.Committed.Skip(before).Should().HaveCount(5, "one caller, one submit at a time: one commit each");
    }

    [Fact]
    public async Task A_batch_larger_than_GatherAtMost_is_not_held()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], options: new EngineOptions { GatherWait = TimeSpan.FromHours(1), GatherAtMost = 2 });
        var (blocker, release) = await engine.HoldABlockerAsync();
        var three = Enumerable.Range(0, 3).Select(_ => engine.Engine.SubmitAsync(Spec(), "alice")).ToList();
        release();
        await blocker.WaitAsync(Patience, Cancel);
        (await Task.WhenAll(three).WaitAsync(Patience, Cancel)).Should().OnlyContain(r => r.Succeeded);

        // Three answered together, more than GatherAtMost: one of them sending again is committed at once.
        (await engine.Engine.SubmitAsync(Spec(), "alice").WaitAsync(Patience, Cancel)).Succeeded.Should().BeTrue();
    }
}
