using Dashboard.Data.Allocations;
using Dashboard.Data.Audit;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>Drain, quota, inventory and preemption commands through the engine's front door, persisted and audited.</summary>
public class EngineCommandTests
{
    private static TeamQuota Quota(string team, int nominal, int borrow) =>
        new(team, new ResourceAmount(nominal, 256_000, 2048 * 1024), new ResourceAmount(borrow, 256_000, 2048 * 1024));

    [Fact]
    public async Task A_drained_node_gets_nothing_new_until_it_is_resumed_and_both_are_audited()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)]);

        (await engine.Engine.SetNodeStateAsync("demo-gpu-01", NodeState.Draining, "new drivers", "admin")).Succeeded.Should().BeTrue();
        var job = await engine.SubmitAsync(Spec(gpus: 1));

        engine.Feed.Current!.Snapshot.Pending.Find(job).Should().NotBeNull("nothing is placed on a draining node");
        var started = engine.WaitForStateAsync(job, JobState.Running);
        (await engine.Engine.SetNodeStateAsync("demo-gpu-01", NodeState.Ready, null, "admin")).Succeeded.Should().BeTrue();
        await started;

        var audit = new AuditStore(engine.Database).ForTarget("node:demo-gpu-01").Select(a => (a.Entry.Actor, a.Entry.Action)).ToList();
        audit.Should().Contain(("admin", "node.draining")).And.Contain(("admin", "node.ready"));
        (await engine.Engine.SetNodeStateAsync("no-such-node", NodeState.Draining, null, "admin")).Reason.Should().Be("there is no node named no-such-node");
    }

    [Fact]
    public async Task Lowering_a_quota_below_use_makes_the_newest_job_borrowing_and_kills_nothing()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], [Quota("vision", nominal: 8, borrow: 0)]);
        var older = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(2)));
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var newer = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(2)));

        var result = await engine.Engine.SetQuotaAsync(Quota("vision", nominal: 4, borrow: 4), "admin");

        result.Succeeded.Should().BeTrue();
        var running = engine.Feed.Current!.Snapshot.Running;
        running.Should().HaveCount(2, "lowering a quota never stops a job");
        running.Single(r => r.Job.Id == older).Borrowing.Should().BeFalse();
        running.Single(r => r.Job.Id == newer).Borrowing.Should().BeTrue();
        new AllocationStore(engine.Database).ForJob(newer).Single().Borrowing.Should().BeTrue("the new mark is persisted");
        new AuditStore(engine.Database).ForTarget("team:vision").Should().ContainSingle(a => a.Entry.Action == "quota.set" && a.Entry.BeforeJson != null && a.Entry.AfterJson != null);
    }

    [Fact]
    public async Task An_invalid_quota_is_refused_with_field_errors_and_changes_nothing()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01")], [Quota("vision", nominal: 8, borrow: 0)]);

        var result = await engine.Engine.SetQuotaAsync(new TeamQuota("vision", new ResourceAmount(-1, 1000, 1024), ResourceAmount.Zero, FairShareWeight: 0), "admin");

        result.Succeeded.Should().BeFalse();
        result.Errors.Select(e => e.Field).Should().BeEquivalentTo(["nominalGpus", "fairShareWeight"]);
        engine.Feed.Current!.Snapshot.Quotas.Single().Nominal.Gpus.Should().Be(8);
        new AuditStore(engine.Database).ForTarget("team:vision").Should().OnlyContain(a => a.Entry.Actor == "system", "only the first start's quota was written");
    }

    [Fact]
    public async Task A_team_within_its_quota_takes_back_borrowed_GPUs_and_the_borrower_is_requeued()
    {
        await using var engine = await EngineHarness.StartAsync(
            [SimulatedNode("demo-gpu-01", gpus: 8)],
            [Quota("vision", nominal: 4, borrow: 4), Quota("audio", nominal: 4, borrow: 0)],
            settings: SchedulerSettings.Default with { MinRunBeforePreemption = TimeSpan.Zero });
        var guaranteed = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(2)));
        var borrowing = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(2)));
        engine.Feed.Current!.Snapshot.Running.Single(r => r.Job.Id == borrowing).Borrowing.Should().BeTrue();

        var reclaimed = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Team == "audio"));
        var audio = await engine.SubmitAsync(Spec(gpus: 4, team: "audio", owner: "carol"));
        var after = await reclaimed;

        after.Snapshot.Running.Select(r => r.Job.Id).Should().BeEquivalentTo([guaranteed, audio]);
        after.Snapshot.Pending.Find(borrowing).Should().NotBeNull("the preempted job waits again, with its original submit time");
        after.Snapshot.Pending.Find(borrowing)!.SubmittedAt.Should().Be(Start);
        engine.Jobs.Events(borrowing).Select(e => (e.From, e.To)).Should().ContainInOrder((JobState.Pending, JobState.Running), (JobState.Running, JobState.Pending));
        engine.Jobs.Events(borrowing)[^1].Reason.Should().StartWith("preempted: team audio reclaims its nominal quota");
    }

    [Fact]
    public async Task A_borrowing_job_runs_its_minimum_time_before_a_team_within_its_quota_takes_its_GPUs_back()
    {
        await using var engine = await EngineHarness.StartAsync(
            [SimulatedNode("demo-gpu-01", gpus: 8)],
            [Quota("vision", nominal: 4, borrow: 4), Quota("audio", nominal: 4, borrow: 0)],
            settings: SchedulerSettings.Default with { MinRunBeforePreemption = TimeSpan.FromMinutes(3) });
        await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(2)));
        var borrowing = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(2)));

        var audio = await engine.SubmitAsync(Spec(gpus: 4, team: "audio", owner: "carol"));
        engine.Feed.Current!.Snapshot.Pending.Find(audio).Should().NotBeNull("the borrower has not run its minimum time");
        engine.Feed.Current.Snapshot.Running.Should().Contain(r => r.Job.Id == borrowing);

        var reclaimed = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == audio));
        engine.Clock.Advance(TimeSpan.FromMinutes(3));
        var after = await reclaimed;

        after.Snapshot.Pending.Find(borrowing).Should().NotBeNull("it was preempted once it had run three minutes");
    }

    [Fact]
    public async Task A_GPU_that_vanishes_under_a_job_takes_its_node_down_until_it_is_back()
    {
        var node = LocalNode(gpus: 2);
        await using var engine = await EngineHarness.StartAsync([node with { Simulated = true, Name = "demo-gpu-01" }]);
        var job = await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        var full = node with { Simulated = true, Name = "demo-gpu-01" };

        await engine.Engine.ReportInventoryAsync(full with { Gpus = [full.Gpus[0]] });

        var down = engine.Feed.Current!.Snapshot.Nodes.Single();
        down.State.Should().Be(NodeState.Down);
        down.Gpus.Select(g => g.Index).Should().Equal([0, 1], "the running job still holds GPU 1");
        engine.Feed.Current.Snapshot.Running.Should().ContainSingle(r => r.Job.Id == job);

        await engine.Engine.ReportInventoryAsync(full);

        engine.Feed.Current!.Snapshot.Nodes.Single().State.Should().Be(NodeState.Ready);
    }

    [Fact]
    public async Task A_simulated_job_whose_runtime_passed_while_the_server_was_down_ends_at_once_after_the_restart()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-simulated-restart-").FullName;
        try
        {
            JobId job;
            await using (var first = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], folder: folder))
            {
                job = await first.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
            }

            await using var second = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], folder: folder, clock: new FakeTimeProvider(Start + TimeSpan.FromHours(1)));
            await second.WaitForStateAsync(job, JobState.Succeeded);

            second.Jobs.Find(job)!.State.Should().Be(JobState.Succeeded);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
