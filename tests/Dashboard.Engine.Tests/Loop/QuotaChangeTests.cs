using Dashboard.Data.Audit;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// What the admin quota page relies on: a valid change is audited with its actor and reaches every feed subscriber,
/// and the effect the page shows before saving (<see cref="QuotaChangeEffect"/>) is what the engine then does.
/// </summary>
public class QuotaChangeTests
{
    private static TeamQuota Quota(string team, int nominal, int borrow) =>
        new(team, new ResourceAmount(nominal, 256_000, 2048 * 1024), new ResourceAmount(borrow, 256_000, 2048 * 1024));

    [Fact]
    public async Task A_valid_change_is_audited_and_reaches_a_live_subscriber()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01")], [Quota("vision", nominal: 8, borrow: 0)]);
        var seen = engine.WaitForAsync(u => u.Events.OfType<QuotaChangedEvent>().Any(e => e.Quota.Team == "vision" && e.Quota.Nominal.Gpus == 6));

        var result = await engine.Engine.SetQuotaAsync(Quota("vision", nominal: 6, borrow: 2), "root").WaitAsync(Patience);

        result.Succeeded.Should().BeTrue(result.Reason);
        var update = await seen;
        update.Snapshot.Quotas.Single(q => q.Team == "vision").Should().Be(Quota("vision", nominal: 6, borrow: 2));
        var audit = new AuditStore(engine.Database).ForTarget("team:vision").Where(a => a.Entry.Actor == "root").ToList();
        audit.Should().ContainSingle().Which.Entry.Action.Should().Be("quota.set");
        audit[0].Entry.BeforeJson.Should().Contain("8", "the quota before the change is recorded");
        audit[0].Entry.AfterJson.Should().Contain("6");
    }

    [Fact]
    public async Task Lowering_a_quota_below_use_does_what_the_confirmation_said_and_the_jobs_keep_running()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], [Quota("vision", nominal: 8, borrow: 0)]);
        var first = await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var third = await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        await engine.WaitForStateAsync(third, JobState.Running);
        var lower = Quota("vision", nominal: 2, borrow: 6);

        var effect = QuotaChangeEffect.Of(engine.Feed.Current!.Snapshot, lower);
        (await engine.Engine.SetQuotaAsync(lower, "root").WaitAsync(Patience)).Succeeded.Should().BeTrue();
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        var after = await engine.WaitForAsync(u => u.Snapshot.Quotas.Single().Nominal.Gpus == 2);

        effect.BecomeBorrowing.Select(r => r.Job.Id).Should().Equal(second, third);
        effect.Lines[0].Should().Be($"2 running jobs of team vision will become borrowing and preemptible (jobs {second}, {third}). They keep running: a quota change never stops a job.");
        after.Snapshot.Running.Select(r => (r.Job.Id, r.Borrowing)).OrderBy(p => p.Id)
            .Should().Equal((first, false), (second, true), (third, true));
        engine.Jobs.Find(second)!.State.Should().Be(JobState.Running, "lowering a quota never stops a job");
        engine.Jobs.Find(third)!.State.Should().Be(JobState.Running);
    }
}
