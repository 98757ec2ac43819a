using Dashboard.Data.Allocations;
using Dashboard.Data.Audit;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>Extending a running job's walltime through the engine: refused while it would break a promised start, then applied, persisted and audited.</summary>
public sealed class ExtendWalltimeEngineTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task An_extension_that_would_delay_a_promised_start_is_refused_and_once_nobody_waits_it_is_applied_and_stored()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)]);
        var session = await engine.SubmitAsync(Spec(gpus: 2, walltime: 2 * Hour));
        await engine.WaitForStateAsync(session, JobState.Running);
        var waiting = await engine.SubmitAsync(Spec(gpus: 2, walltime: Hour, owner: "bob"));

        var refused = await engine.Engine.ExtendWalltimeAsync(session, Hour, "alice");

        refused.Outcome.Should().Be(CommandOutcome.Conflict);
        refused.Reason.Should().Contain($"job {waiting} of team vision is promised").And.Contain("2026-11-28 11:00 UTC").And.Contain("push it back to 2026-11-28 12:00 UTC");
        engine.Jobs.Find(session)!.Job.Spec.Walltime.Should().Be(2 * Hour, "a refused extension changes nothing");

        (await engine.Engine.CancelAsync(waiting, "bob")).Succeeded.Should().BeTrue();
        var extended = await engine.Engine.ExtendWalltimeAsync(session, Hour, "alice");

        extended.Succeeded.Should().BeTrue(extended.Reason);
        extended.Reason.Should().Be($"job {session} now ends at 2026-11-28 12:00 UTC (walltime 3 h)");
        engine.Jobs.Find(session)!.Job.Spec.Walltime.Should().Be(3 * Hour);
        new AllocationStore(engine.Database).ForJob(session).Single().Allocation.ExpectedEnd.Should().Be(Start + 3 * Hour);
        engine.Feed.Current!.Snapshot.Running.Single().Allocation.ExpectedEnd.Should().Be(Start + 3 * Hour);
        new AuditStore(engine.Database).ForTarget($"job:{session}").Select(a => a.Entry.Action).Should().Contain("job.extend");
    }

    [Fact]
    public async Task A_waiting_job_and_a_walltime_past_the_limit_are_refused_with_the_reason()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        var running = await engine.SubmitAsync(Spec(gpus: 1, walltime: Hour));
        await engine.WaitForStateAsync(running, JobState.Running);
        var waiting = await engine.SubmitAsync(Spec(gpus: 1));

        var notRunning = await engine.Engine.ExtendWalltimeAsync(waiting, Hour, "alice");
        var tooLong = await engine.Engine.ExtendWalltimeAsync(running, TimeSpan.FromDays(30), "alice");

        notRunning.Outcome.Should().Be(CommandOutcome.Conflict);
        notRunning.Reason.Should().Be($"job {waiting} is not running; only a running job's time can be extended");
        tooLong.Outcome.Should().Be(CommandOutcome.Invalid);
        tooLong.Errors.Should().ContainSingle().Which.Field.Should().Be("by");
    }
}
