using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// The writer keeps one never-fits check while the nodes, quotas and elastic shapes stay the same arrays (a stream of
/// submits), and builds a new one when any of them changes: what is refused follows every change at once.
/// </summary>
public sealed class NeverFitsReuseTests
{
    [Fact]
    public async Task A_refused_submit_fits_after_its_quota_grows_and_is_refused_again_after_it_shrinks()
    {
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("sim1", gpus: 8)], quotas: [EngineHarness.Quota("vision", gpus: 2)]);
        var four = EngineHarness.Spec(gpus: 4);

        (await Submit(engine, four)).Outcome.Should().Be(CommandOutcome.NeverFits);
        await engine.SubmitAsync(EngineHarness.Spec(gpus: 1));
        (await Submit(engine, four)).Outcome.Should().Be(CommandOutcome.NeverFits, "submits in between leave the quotas as they were");

        (await engine.Engine.SetQuotaAsync(EngineHarness.Quota("vision", gpus: 8), "admin").WaitAsync(EngineHarness.Patience)).Succeeded.Should().BeTrue();
        (await Submit(engine, four)).Succeeded.Should().BeTrue("the quota now holds 4 GPUs");

        (await engine.Engine.SetQuotaAsync(EngineHarness.Quota("vision", gpus: 2), "admin").WaitAsync(EngineHarness.Patience)).Succeeded.Should().BeTrue();
        (await Submit(engine, four)).Outcome.Should().Be(CommandOutcome.NeverFits);
    }

    [Fact]
    public async Task A_submit_larger_than_every_node_fits_once_a_larger_node_is_added()
    {
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("sim1", gpus: 4)]);
        var eight = EngineHarness.Spec(gpus: 8);

        var refused = await Submit(engine, eight);
        refused.Outcome.Should().Be(CommandOutcome.NeverFits);
        refused.Reason.Should().Contain("8 GPUs");

        (await engine.Engine.ReportInventoryAsync(EngineHarness.SimulatedNode("sim2", gpus: 8)).WaitAsync(EngineHarness.Patience)).Succeeded.Should().BeTrue();
        (await Submit(engine, eight)).Succeeded.Should().BeTrue("sim2 has 8 GPUs");
    }

    [Fact]
    public void One_check_serves_submits_until_the_nodes_or_quotas_change()
    {
        var snapshot = ClusterSnapshot.Empty with { Nodes = [EngineHarness.SimulatedNode("sim1", gpus: 4)], Quotas = [EngineHarness.Quota("vision")] };
        var state = new ClusterState(new RecoveredState(snapshot, 1));
        var batch = new EngineBatch(EngineHarness.Start);

        var first = state.NeverFitsNow();
        state.Submit(EngineHarness.Spec(gpus: 1), "alice", batch).Succeeded.Should().BeTrue();
        state.NeverFitsNow().Should().BeSameAs(first, "a submit changes neither nodes nor quotas");

        state.SetQuota(EngineHarness.Quota("vision", gpus: 1), "admin", batch).Succeeded.Should().BeTrue();
        var afterQuota = state.NeverFitsNow();
        afterQuota.Should().NotBeSameAs(first);
        afterQuota.Check(EngineHarness.Spec(gpus: 2)).Should().NotBeNull("the quota now holds 1 GPU");
    }

    private static Task<CommandResult> Submit(EngineHarness engine, JobSpec spec) => engine.Engine.SubmitAsync(spec, spec.Owner).WaitAsync(EngineHarness.Patience);
}
