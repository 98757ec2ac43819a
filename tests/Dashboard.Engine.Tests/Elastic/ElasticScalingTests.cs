using Dashboard.Data.Audit;
using Dashboard.Data.Elastic;
using Dashboard.Engine.Elastic;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Tests.Loop;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Elastic;

/// <summary>
/// Elastic pools through the real engine on a real SQLite file, on a fake clock: the scale-up delay, a node appearing and
/// the queued job starting on it, the cool-down handing it back, provider failures retried with back-off and shown, a
/// paused pool, and a restart during provisioning.
/// </summary>
public sealed class ElasticScalingTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_queued_job_waits_the_delay_then_a_simulated_node_appears_runs_it_and_is_handed_back_after_the_cool_down()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-1")], elastic: ElasticTestPools.Simulated());
        var first = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        var second = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        await engine.RoundTripAsync();

        engine.Clock.Advance(Delay - TimeSpan.FromSeconds(1));
        await engine.RoundTripAsync();
        engine.Feed.Current!.Snapshot.Nodes.Should().NotContain(n => n.Pool != null, "demand must last the scale-up delay");
        engine.Feed.Current!.ElasticPools.Single().Activity.Should().StartWith("pending demand since 09:00:00 UTC");

        var provisioning = engine.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "burst-1"));
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var asked = await provisioning;
        asked.Snapshot.Nodes.Single(n => n.Name == "burst-1").State.Should().Be(NodeState.Provisioning);
        var pool = asked.ElasticPools.Single();
        pool.Provisioning.Should().Be(1);
        pool.Activity.Should().Be("scaling up 1 x 8-GPU node for 1 pending job");
        pool.NodeNotes["burst-1"].Should().Be("scaling up 1 x 8-GPU node for 1 pending job");
        var explained = await engine.WaitForExplanationsAsync(asked);
        explained.Explanations[second].Reason.Cause.Should().Be(PendingCause.WaitingForProvisioning);
        explained.Explanations[second].Reason.Describe().Should().Be("needs 8 GPUs on one node; a node is being provisioned for it in pool burst");
        explained.Explanations[second].EstimatedStart.Should().Be(Start + Delay + TimeSpan.FromSeconds(20));
        asked.Summary.GpusTotal.Should().Be(8, "a node being provisioned is not capacity yet");
        await engine.RoundTripAsync();

        var placed = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == second));
        engine.Clock.Advance(TimeSpan.FromSeconds(20));
        var running = await placed;
        running.Snapshot.Running.Single(r => r.Job.Id == second).Allocation.Node.Should().Be("burst-1");
        running.Snapshot.Nodes.Single(n => n.Name == "burst-1").Should().Match<Node>(n => n.State == NodeState.Ready && n.Simulated && n.Pool == "burst");
        running.Summary.GpusTotal.Should().Be(16);
        await engine.RoundTripAsync();

        // Both jobs end after 5 simulated minutes; burst-1 is then idle and is handed back 5 minutes later.
        var ended = engine.WaitForStateAsync(second, JobState.Succeeded);
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        await ended;
        await engine.RoundTripAsync();
        engine.Clock.Advance(TimeSpan.FromMinutes(4));
        await engine.RoundTripAsync();
        engine.Feed.Current!.Snapshot.Nodes.Should().Contain(n => n.Name == "burst-1", "the cool-down has not passed");

        var gone = engine.WaitForAsync(u => u.Snapshot.Nodes.All(n => n.Name != "burst-1"));
        engine.Clock.Advance(TimeSpan.FromMinutes(1));
        (await gone).Summary.GpusTotal.Should().Be(8);
        engine.Jobs.Find(first)!.State.Should().Be(JobState.Succeeded);

        var audit = new AuditStore(engine.Database).ForTarget("pool:burst", limit: 20).Select(e => e.Entry.Action).Reverse();
        audit.Should().Equal("elastic.scale-up", "elastic.provisioned", "elastic.release", "elastic.released");
        new Dashboard.Data.Nodes.NodeStore(engine.Database).Find("burst-1").Should().BeNull("a node handed back is no longer a node of the cluster");
    }

    [Fact]
    public async Task A_failing_provider_is_retried_with_back_off_its_error_is_shown_and_the_pool_waits_before_asking_again()
    {
        var provider = new ScriptedProvider().Fail("no capacity in zone eu-1").Fail("no capacity in zone eu-1").Succeed();
        var pool = ElasticTestPools.Burst();
        pool.ScaleUpDelay = TimeSpan.Zero;
        await using var engine = await StartAsync([SimulatedNode("demo-1")], elastic: ElasticTestPools.With(provider, pool));
        await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        var waiting = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));

        var retrying = await engine.WaitForAsync(u => u.ElasticPools.Single().LastError is not null);
        await engine.RoundTripAsync();
        provider.Provisions.Should().ContainSingle();
        retrying = engine.Feed.Current!;
        retrying.ElasticPools.Single().NodeNotes["burst-1"].Should().Be("attempt 1 of 2 failed: no capacity in zone eu-1; trying again at 09:00:10 UTC");
        retrying.Snapshot.Nodes.Single(n => n.Name == "burst-1").State.Should().Be(NodeState.Provisioning);

        var failed = engine.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "burst-1" && n.State == NodeState.Failed));
        engine.Clock.Advance(TimeSpan.FromSeconds(9));
        await engine.RoundTripAsync();
        provider.Provisions.Should().ContainSingle("the back-off has not passed");
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var shown = await failed;
        shown.ElasticPools.Single().NodeNotes["burst-1"].Should().Be("provisioning failed after 2 attempts: no capacity in zone eu-1");
        shown.ElasticPools.Single().Failed.Should().Be(1);
        (await engine.WaitForExplanationsAsync(shown)).Explanations[waiting].Reason.Cause.Should().Be(PendingCause.WaitingForCapacity, "nothing is being provisioned for it any more");
        await engine.RoundTripAsync();

        engine.Clock.Advance(TimeSpan.FromSeconds(59));
        await engine.RoundTripAsync();
        provider.Provisions.Should().HaveCount(2, "the pool waits out its failure back-off (1 min) before asking again");
        engine.Feed.Current!.ElasticPools.Single().Activity.Should().Be("the provider failed; next scale-up not before 09:01:10 UTC");

        var placed = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == waiting));
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var running = await placed;
        provider.Provisions.Should().HaveCount(3);
        provider.Provisions.Select(p => p.Names.Single()).Should().Equal("burst-1", "burst-1", "burst-1");
        running.Snapshot.Running.Single(r => r.Job.Id == waiting).Allocation.Node.Should().Be("burst-1", "the new request replaced the failed placeholder");
        running.Snapshot.Nodes.Where(n => n.Pool == "burst").Should().ContainSingle().Which.State.Should().Be(NodeState.Ready);
        new AuditStore(engine.Database).ForTarget("pool:burst", limit: 20).Select(e => e.Entry.Action).Reverse().Should().Equal(
            "elastic.scale-up", "elastic.provision-attempt-failed", "elastic.provision-failed", "elastic.scale-up", "elastic.provisioned");
    }

    [Fact]
    public async Task A_release_the_provider_refuses_leaves_the_node_in_service_with_the_error_shown_and_it_is_tried_again()
    {
        var provider = new ScriptedProvider { ReleaseFailure = "the machine is locked" }.Succeed();
        var pool = ElasticTestPools.Burst();
        pool.ScaleUpDelay = TimeSpan.Zero;
        pool.Attempts = 1;
        await using var engine = await StartAsync([SimulatedNode("demo-1")], elastic: ElasticTestPools.With(provider, pool));
        await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(2)));
        var second = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(2)));
        await engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == second && r.Allocation.Node == "burst-1"));
        await engine.RoundTripAsync();

        var ended = engine.WaitForStateAsync(second, JobState.Succeeded);
        engine.Clock.Advance(TimeSpan.FromMinutes(1));
        await ended;
        await engine.RoundTripAsync();
        var refused = engine.WaitForAsync(u => u.ElasticPools.Single().LastError == "the machine is locked");
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        var shown = await refused;

        shown.Snapshot.Nodes.Single(n => n.Name == "burst-1").State.Should().Be(NodeState.Ready);
        provider.Releases.Should().ContainSingle();
        new AuditStore(engine.Database).ForTarget("pool:burst").Select(e => e.Entry.Action).Should().Contain("elastic.release-failed");
        await engine.RoundTripAsync();

        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        await engine.RoundTripAsync();
        provider.Releases.Should().HaveCount(2, "idle for another cool-down, it is handed back again");
    }

    [Fact]
    public async Task A_paused_pool_does_not_grow_and_the_pause_is_audited_and_survives_a_restart()
    {
        var provider = new ScriptedProvider().Succeed();
        var pool = ElasticTestPools.Burst();
        pool.ScaleUpDelay = TimeSpan.Zero;
        using var folder = new TempFolder();
        await using (var engine = await StartAsync([SimulatedNode("demo-1")], folder: folder.Path, elastic: ElasticTestPools.With(provider, pool)))
        {
            (await engine.Engine.SetPoolPausedAsync("burst", true, "admin")).Reason.Should().Be("pool burst paused: it neither grows nor shrinks");
            (await engine.Engine.SetPoolPausedAsync("nope", true, "admin")).Should().Match<Dashboard.Engine.Loop.CommandResult>(r => !r.Succeeded && r.Reason == "there is no elastic pool named nope");
            await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
            await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
            engine.Clock.Advance(TimeSpan.FromMinutes(1));
            await engine.RoundTripAsync();
            provider.Provisions.Should().BeEmpty();
            engine.Feed.Current!.ElasticPools.Single().Should().Match<ElasticPoolStatus>(p => p.Paused && p.Activity == "scaling paused by an admin");
            new AuditStore(engine.Database).ForTarget("pool:burst", limit: 5).Single().Entry.Should().Match<AuditEntry>(e => e.Action == "elastic.pause" && e.Actor == "admin");
        }

        await using var restarted = await StartAsync([SimulatedNode("demo-1")], folder: folder.Path, elastic: ElasticTestPools.With(provider, pool));
        restarted.Feed.Current!.ElasticPools.Single().Paused.Should().BeTrue();
        await restarted.Engine.SetPoolPausedAsync("burst", false, "admin");
        // Ready, not merely present: the node shows as Provisioning before the provider's call is made on its own task.
        await restarted.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Pool == "burst" && n.State == NodeState.Ready));
        provider.Provisions.Should().ContainSingle();
    }

    [Fact]
    public async Task A_pause_whose_commit_fails_is_undone_with_the_rest_of_the_batch()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-1")], elastic: ElasticTestPools.Simulated());
        engine.Journal.Before = _ => throw new IOException("disk full");

        var pause = () => engine.Engine.SetPoolPausedAsync("burst", true, "admin");

        await pause.Should().ThrowAsync<InvalidOperationException>().WithMessage("The change could not be saved; nothing was changed.*disk full");
        engine.Journal.Before = null;
        (await engine.Engine.SetPoolPausedAsync("burst", true, "admin")).Reason.Should().Be(
            "pool burst paused: it neither grows nor shrinks", "the pools' memory is part of the cluster state, undone with the failed batch");
        new AuditStore(engine.Database).ForTarget("pool:burst", limit: 5).Should().ContainSingle();
    }

    [Fact]
    public async Task Every_scale_action_is_in_the_audit_log_and_the_scale_history_which_a_restart_keeps_with_the_providers_error_and_back_off()
    {
        var pool = ElasticTestPools.Burst();
        pool.ScaleUpDelay = TimeSpan.Zero;
        using var folder = new TempFolder();
        var clock = new FakeTimeProvider(Start);
        JobId waiting;
        var failing = new ScriptedProvider().Fail("no capacity in zone eu-1").Fail("no capacity in zone eu-1");
        await using (var engine = await StartAsync([SimulatedNode("demo-1")], folder: folder.Path, clock: clock, elastic: ElasticTestPools.With(failing, pool)))
        {
            await engine.Engine.SetPoolPausedAsync("burst", true, "admin");
            await engine.Engine.SetPoolPausedAsync("burst", false, "admin");
            await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromHours(1)));
            waiting = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(2)));
            await engine.WaitForAsync(u => u.ElasticPools.Single().LastError is not null);
            await engine.RoundTripAsync();
            var failed = engine.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "burst-1" && n.State == NodeState.Failed));
            clock.Advance(TimeSpan.FromSeconds(10));
            await failed;
            await engine.RoundTripAsync();
        }

        // After a restart: the history is shown again, and the provider that failed is not asked before its back-off ends.
        var working = new ScriptedProvider { ReleaseFailure = "the machine is locked" }.Succeed();
        await using var restarted = await StartAsync([SimulatedNode("demo-1")], folder: folder.Path, clock: clock, elastic: ElasticTestPools.With(working, pool));
        var shown = restarted.Feed.Current!.ElasticPools.Single();
        shown.LastError.Should().Be("no capacity in zone eu-1");
        shown.Activity.Should().Be("the provider failed; next scale-up not before 09:01:10 UTC");
        shown.RecentActions.Select(a => (a.Kind, a.Actor, a.Reason)).Should().Equal(
            (ScaleActionKind.ProvisionFailed, "system", "no capacity in zone eu-1"),
            (ScaleActionKind.ProvisionAttemptFailed, "system", "no capacity in zone eu-1"),
            (ScaleActionKind.ScaleUp, "system", "scaling up 1 x 8-GPU node for 1 pending job"),
            (ScaleActionKind.Resume, "admin", "resumed by admin"),
            (ScaleActionKind.Pause, "admin", "paused by admin"));
        restarted.Clock.Advance(TimeSpan.FromSeconds(59));
        await restarted.RoundTripAsync();
        working.Provisions.Should().BeEmpty("the failure back-off survives the restart");

        var placed = restarted.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == waiting && r.Allocation.Node == "burst-1"));
        restarted.Clock.Advance(TimeSpan.FromSeconds(1));
        await placed;
        await restarted.RoundTripAsync();

        // The job runs a minute; a cool-down later the provider refuses the node twice (2 attempts), then takes it.
        var ended = restarted.WaitForStateAsync(waiting, JobState.Succeeded);
        restarted.Clock.Advance(TimeSpan.FromMinutes(1));
        await ended;
        await restarted.RoundTripAsync();
        var refused = restarted.WaitForAsync(u => u.ElasticPools.Single().LastError == "the machine is locked");
        restarted.Clock.Advance(TimeSpan.FromMinutes(5));
        await restarted.RoundTripAsync();
        restarted.Clock.Advance(TimeSpan.FromSeconds(10));
        await refused;
        await restarted.RoundTripAsync();
        working.ReleaseFailure = null;
        var gone = restarted.WaitForAsync(u => u.Snapshot.Nodes.All(n => n.Name != "burst-1"));
        restarted.Clock.Advance(TimeSpan.FromMinutes(5));
        await gone;

        var history = new ScaleActionStore(restarted.Database).ForPool("burst").Reverse().ToList();
        history.Select(a => a.Kind).Should().Equal(
            ScaleActionKind.Pause, ScaleActionKind.Resume, ScaleActionKind.ScaleUp, ScaleActionKind.ProvisionAttemptFailed, ScaleActionKind.ProvisionFailed,
            ScaleActionKind.ScaleUp, ScaleActionKind.Provisioned, ScaleActionKind.Release, ScaleActionKind.ReleaseFailed, ScaleActionKind.Release, ScaleActionKind.Released);
        history.Should().OnlyContain(a => a.Nodes.All(n => n == "burst-1"));
        history.Single(a => a.Kind == ScaleActionKind.ProvisionFailed).NotBefore.Should().Be(Start + TimeSpan.FromSeconds(70));
        var audit = new AuditStore(restarted.Database).ForTarget("pool:burst", limit: 50).Select(e => e.Entry).Reverse().ToList();
        audit.Select(e => (e.Action, e.Actor, e.At)).Should().Equal(history.Select(a => (a.AuditAction, a.Actor, a.At)), "every scale action is in the audit log, in the same order");
        Enum.GetValues<ScaleActionKind>().Should().OnlyContain(k => history.Any(a => a.Kind == k), "this flow takes every kind of action");
    }

    [Fact]
    public async Task A_restart_during_provisioning_leaves_the_node_failed_with_why_and_lasting_demand_asks_again()
    {
        var hanging = new ScriptedProvider().Hang();
        var pool = ElasticTestPools.Burst();
        pool.ScaleUpDelay = TimeSpan.Zero;
        using var folder = new TempFolder();
        JobId waiting;
        await using (var engine = await StartAsync([SimulatedNode("demo-1")], folder: folder.Path, elastic: ElasticTestPools.With(hanging, pool)))
        {
            await engine.SubmitAsync(Spec(gpus: 8));
            waiting = await engine.SubmitAsync(Spec(gpus: 8));
            await engine.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "burst-1" && n.State == NodeState.Provisioning));
        }

        using (var database = Dashboard.Data.Database.Open(new Dashboard.Data.DatabaseOptions { DataFolder = folder.Path }, TimeProvider.System))
        {
            new Dashboard.Data.Nodes.NodeStore(database).Find("burst-1")!.Node.Should()
                .Match<Node>(n => n.State == NodeState.Provisioning && n.Pool == "burst", "the placeholder was stored");
        }

        var working = new ScriptedProvider().Succeed();
        await using var restarted = await StartAsync([SimulatedNode("demo-1")], folder: folder.Path, elastic: ElasticTestPools.With(working, pool));
        var recovered = await restarted.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == waiting));
        working.Provisions.Should().ContainSingle().Which.Names.Should().Equal("burst-1");
        recovered.Snapshot.Running.Single(r => r.Job.Id == waiting).Allocation.Node.Should().Be("burst-1", "the new request replaced the failed placeholder");
        recovered.Snapshot.Nodes.Where(n => n.Pool == "burst").Should().ContainSingle().Which.State.Should().Be(NodeState.Ready);
        new AuditStore(restarted.Database).ForTarget("pool:burst", limit: 20).Select(e => e.Entry.Action).Reverse().Should().Equal(
            "elastic.scale-up", "elastic.provision-failed", "elastic.scale-up", "elastic.provisioned");
        new AuditStore(restarted.Database).ForTarget("pool:burst", limit: 20).Single(e => e.Entry.Action == "elastic.provision-failed").Entry.AfterJson
            .Should().Contain("the server restarted while this node was being provisioned");
    }
}

/// <summary>A temp folder that outlives an engine (for restarts) and is deleted at the end of the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("dashboard-elastic-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine: the temp folder is left for the OS.
        }
    }
}
