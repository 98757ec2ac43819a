using System.Collections.Immutable;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Elastic;

/// <summary>
/// The elastic pools' decision: demand -> node count (packed by the pool's shape, capped), quota-blocked and
/// never-fitting jobs ignored, GPU model respected, hysteresis both ways, and only idle nodes handed back.
/// The fixed node n1 (8 H100) is full with team b's job unless a test says otherwise.
/// </summary>
public sealed class ScalePlannerTests
{
    private static readonly ElasticPool Burst = new(
        "burst", new ElasticNodeShape(8, DefaultModel, 80 * 1024, Cpu(64), 512 * Units.MiBPerGiB),
        MinNodes: 0, MaxNodes: 3, ScaleUpDelay: TimeSpan.Zero, ScaleDownCooldown: TimeSpan.FromMinutes(5), ExpectedProvisioningTime: TimeSpan.FromMinutes(3));

    public static TheoryData<int[], int> DemandToNodes => new()
    {
        { [8], 1 },
        { [8, 8], 2 },
        { [4, 4], 1 },
        { [4, 4, 4], 2 },
        { [2, 2, 2, 2, 8], 2 },
        { [6, 2, 6, 2], 2 },
        { [1, 1, 1, 1, 1, 1, 1, 1, 1], 2 },
        { [8, 8, 8, 8, 8], 3 },
    };

    [Theory]
    [MemberData(nameof(DemandToNodes))]
    public void Unmet_demand_asks_for_the_fewest_pool_nodes_that_hold_it_capped_by_the_maximum(int[] gpus, int nodes)
    {
        var cluster = FullCluster(teamGpus: 64);
        for (var i = 0; i < gpus.Length; i++)
        {
            cluster.Pending(10 + i, "a", gpus: gpus[i]);
        }

        var decision = Decide(cluster.Build(), Burst);

        decision.ScaleUps.Should().ContainSingle().Which.Count.Should().Be(nodes);
        decision.ScaleUps[0].Pool.Should().Be("burst");
    }

    [Fact]
    public void The_reason_says_how_many_nodes_of_which_size_for_how_many_jobs()
    {
        var cluster = FullCluster(teamGpus: 64);
        for (var i = 0; i < 11; i++)
        {
            cluster.Pending(10 + i, "a", gpus: i < 3 ? 2 : 1);
        }

        var decision = Decide(cluster.Build(), Burst);

        decision.ScaleUps.Should().BeEquivalentTo([new ScaleUp("burst", 2, "scaling up 2 x 8-GPU nodes for 11 pending jobs", [.. Enumerable.Range(10, 11).Select(i => Jobs.Id(i))])], o => o.WithStrictOrdering());
    }

    [Fact]
    public void Jobs_blocked_by_their_teams_quota_ask_for_nothing()
    {
        // Team a holds its whole ceiling (8) on n1: its 8-GPU job waits for quota, not for capacity.
        var snapshot = Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7])
            .Pending(10, "a", gpus: 8).Build();

        var plan = Scheduler.Plan(snapshot, Time.Now);
        var decision = ScalePlanner.Decide(snapshot, plan, [Burst], ScaleHistory.Empty, Time.Now);

        plan.Pending.Should().ContainSingle().Which.Reason.Cause.Should().Be(PendingCause.TeamQuotaFull);
        decision.ScaleUps.Should().BeEmpty();
        decision.Waits.Should().BeEmpty();
    }

    [Fact]
    public void Jobs_that_fit_one_by_one_but_not_together_within_quota_ask_only_for_what_the_quota_admits()
    {
        // Team a may hold 16 GPUs and holds none: each 8-GPU job alone is admitted, but only two together.
        var cluster = FullCluster(teamGpus: 16).Pending(10, "a", gpus: 8).Pending(11, "a", gpus: 8).Pending(12, "a", gpus: 8);

        var decision = Decide(cluster.Build(), Burst);

        decision.ScaleUps.Should().ContainSingle().Which.ForJobs.Should().Equal(Jobs.Id(10), Jobs.Id(11));
        decision.ScaleUps[0].Count.Should().Be(2);
    }

    [Theory]
    [InlineData("A100", 0)]
    [InlineData("h100", 1)]
    [InlineData(null, 1)]
    public void The_asked_GPU_model_must_be_the_pools(string? model, int nodes)
    {
        var decision = Decide(FullCluster(teamGpus: 64).Pending(10, "a", gpus: 2, model: model).Build(), Burst);

        decision.ScaleUps.Sum(s => s.Count).Should().Be(nodes);
    }

    [Fact]
    public void Of_two_pools_each_job_goes_to_the_one_with_its_model()
    {
        var a100 = Burst with { Name = "a100s", Shape = Burst.Shape with { GpuModel = "A100" } };
        var snapshot = FullCluster(teamGpus: 64).Node("n2", gpus: 8, model: "A100")
            .Running(2, "b", "n2", [0, 1, 2, 3, 4, 5, 6, 7])
            .Pending(10, "a", gpus: 4, model: "A100").Pending(11, "a", gpus: 4).Build();

        var decision = ScalePlanner.Decide(snapshot, Scheduler.Plan(snapshot, Time.Now), [a100, Burst], ScaleHistory.Empty, Time.Now);

        // Job 11 (any model) fits the A100 pool's new node beside job 10: one node in all.
        decision.ScaleUps.Should().ContainSingle().Which.Should().BeEquivalentTo(new ScaleUp("a100s", 1, "scaling up 1 x 8-GPU node for 2 pending jobs", [Jobs.Id(10), Jobs.Id(11)]), o => o.WithStrictOrdering());
    }

    [Fact]
    public void A_job_larger_than_every_node_but_within_a_pools_shape_waits_instead_of_being_refused()
    {
        var snapshot = Cluster().Node("small", gpus: 4).Team("a", nominalGpus: 64).Pending(10, "a", gpus: 8).Build();

        Scheduler.Plan(snapshot, Time.Now).Refusals.Should().ContainSingle().Which.Reason.Should().Be("needs 8 GPUs; the largest node has 4");

        var withPool = snapshot with { ElasticNodeShapes = ElasticPool.PotentialNodes([Burst]) };
        var plan = Scheduler.Plan(withPool, Time.Now);
        plan.Refusals.Should().BeEmpty();
        plan.Pending.Should().ContainSingle().Which.Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
        NeverFits.Check(withPool, Jobs.Spec(gpus: 9)).Should().Be("needs 9 GPUs; the largest node has 8");
        ScalePlanner.Decide(withPool, plan, [Burst], ScaleHistory.Empty, Time.Now).ScaleUps.Should().ContainSingle().Which.Count.Should().Be(1);
    }

    [Fact]
    public void A_job_no_pool_node_could_hold_is_refused_and_asks_for_nothing()
    {
        var snapshot = FullCluster(teamGpus: 64).Pending(10, "a", gpus: 16).Pending(11, "a", gpus: 4, cpuCores: 100).Build() with
        {
            ElasticNodeShapes = ElasticPool.PotentialNodes([Burst]),
        };

        var plan = Scheduler.Plan(snapshot, Time.Now);
        var decision = ScalePlanner.Decide(snapshot, plan, [Burst], ScaleHistory.Empty, Time.Now);

        plan.Refusals.Select(r => r.Reason).Should().Equal("needs 16 GPUs; the largest node has 8", "needs 100 CPU cores; the largest node has 64 CPU cores");
        decision.ScaleUps.Should().BeEmpty();
        decision.History.DemandSince.Should().BeEmpty();
    }

    [Fact]
    public void Demand_must_last_the_scale_up_delay_and_is_forgotten_when_it_goes()
    {
        var pool = Burst with { ScaleUpDelay = TimeSpan.FromMinutes(2) };
        var waiting = FullCluster(teamGpus: 64).Pending(10, "a", gpus: 8).Build();
        var served = FullCluster(teamGpus: 64).Build();

        var first = Decide(waiting, pool, ScaleHistory.Empty, Time.Now);
        var later = Decide(waiting, pool, first.History, Time.Now.AddMinutes(1));
        var due = Decide(waiting, pool, later.History, Time.Now.AddMinutes(2));

        first.ScaleUps.Should().BeEmpty();
        first.History.DemandSince.Should().ContainSingle().Which.Should().Be(KeyValuePair.Create("burst", Time.Now));
        later.ScaleUps.Should().BeEmpty();
        due.ScaleUps.Should().ContainSingle().Which.Count.Should().Be(1);
        due.History.DemandSince.Should().BeEmpty();

        var gone = Decide(served, pool, later.History, Time.Now.AddMinutes(1.5));
        var back = Decide(waiting, pool, gone.History, Time.Now.AddMinutes(2));
        gone.History.DemandSince.Should().BeEmpty();
        back.ScaleUps.Should().BeEmpty("the delay starts again when demand comes back");
    }

    [Fact]
    public void Nodes_being_provisioned_count_as_capacity_coming_so_a_burst_is_not_asked_for_twice()
    {
        var history = ScaleHistory.Empty with { RequestedAt = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", Time.Now.AddMinutes(-1))]) };
        var twoJobs = WithPoolNodes(FullCluster(teamGpus: 64).Pending(10, "a", gpus: 4).Pending(11, "a", gpus: 4).Build(), ("burst-1", NodeState.Provisioning));
        var threeJobs = WithPoolNodes(FullCluster(teamGpus: 64).Pending(10, "a", gpus: 4).Pending(11, "a", gpus: 4).Pending(12, "a", gpus: 4).Build(), ("burst-1", NodeState.Provisioning));

        var coming = Decide(twoJobs, Burst, history, Time.Now);
        var more = Decide(threeJobs, Burst, history, Time.Now);

        coming.ScaleUps.Should().BeEmpty();
        coming.Waits.Should().Equal(
            new ProvisioningWait(Jobs.Id(10), "burst", Time.Now.AddMinutes(2)),
            new ProvisioningWait(Jobs.Id(11), "burst", Time.Now.AddMinutes(2)));
        more.ScaleUps.Should().ContainSingle().Which.Should().BeEquivalentTo(new ScaleUp("burst", 1, "scaling up 1 x 8-GPU node for 1 pending job", [Jobs.Id(12)]));
    }

    [Fact]
    public void Failed_nodes_do_not_count_toward_the_maximum_and_a_failed_provider_is_left_alone_until_its_back_off_ends()
    {
        var snapshot = WithPoolNodes(FullCluster(teamGpus: 64).Pending(10, "a", gpus: 8).Build(), ("burst-1", NodeState.Failed), ("burst-2", NodeState.Failed), ("burst-3", NodeState.Failed));
        var history = ScaleHistory.Empty with { RetryNotBefore = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst", Time.Now.AddMinutes(1))]) };

        Decide(snapshot, Burst, history, Time.Now).ScaleUps.Should().BeEmpty();
        Decide(snapshot, Burst, history, Time.Now.AddMinutes(1)).ScaleUps.Should().ContainSingle().Which.Count.Should().Be(1);
    }

    [Fact]
    public void An_idle_node_is_handed_back_after_the_cool_down()
    {
        var snapshot = WithPoolNodes(FullCluster(teamGpus: 64).Build(), ("burst-1", NodeState.Ready));

        var first = Decide(snapshot, Burst, ScaleHistory.Empty, Time.Now);
        var early = Decide(snapshot, Burst, first.History, Time.Now.AddMinutes(4));
        var due = Decide(snapshot, Burst, early.History, Time.Now.AddMinutes(5));

        first.Releases.Should().BeEmpty();
        first.History.IdleSince.Should().ContainSingle().Which.Should().Be(KeyValuePair.Create("burst-1", Time.Now));
        early.Releases.Should().BeEmpty();
        due.Releases.Should().Equal(new NodeRelease("burst", "burst-1", "idle for 5 min; handed back to pool burst"));
    }

    [Fact]
    public void A_node_with_a_running_job_is_never_handed_back_and_its_idle_time_starts_again()
    {
        var snapshot = WithPoolNodes(FullCluster(teamGpus: 64).Running(5, "a", "burst-1", [0]).Build(), ("burst-1", NodeState.Ready));
        var longIdle = ScaleHistory.Empty with { IdleSince = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", Time.Now.AddHours(-5))]) };

        var decision = Decide(snapshot, Burst, longIdle, Time.Now);

        decision.Releases.Should().BeEmpty();
        decision.History.IdleSince.Should().BeEmpty();
    }

    [Fact]
    public void A_node_a_job_starts_on_in_this_plan_is_not_idle()
    {
        var snapshot = WithPoolNodes(Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 64).Team("b", nominalGpus: 64)
            .Running(1, "b", "n1", [0, 1, 2, 3, 4, 5, 6, 7]).Pending(10, "a", gpus: 2).Build(), ("burst-1", NodeState.Ready));
        var longIdle = ScaleHistory.Empty with { IdleSince = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", Time.Now.AddHours(-5))]) };

        var plan = Scheduler.Plan(snapshot, Time.Now);
        var decision = ScalePlanner.Decide(snapshot, plan, [Burst], longIdle, Time.Now);

        plan.Starts.Should().ContainSingle().Which.Allocation.Node.Should().Be("burst-1");
        decision.Releases.Should().BeEmpty();
    }

    [Fact]
    public void No_node_is_handed_back_while_jobs_wait_for_the_pool_hysteresis_against_flapping()
    {
        // burst-1 is idle but drained (takes nothing new), so the 8-GPU job waits for the pool: the pool grows, and does not
        // hand back a node at the same time; once nothing waits, the node long idle goes.
        var longIdle = ScaleHistory.Empty with { IdleSince = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", Time.Now.AddHours(-1))]) };
        var waiting = WithPoolNodes(FullCluster(teamGpus: 64).Pending(10, "a", gpus: 8).Build(), ("burst-1", NodeState.Draining));
        var quiet = WithPoolNodes(FullCluster(teamGpus: 64).Build(), ("burst-1", NodeState.Draining));

        var busy = Decide(waiting, Burst, longIdle, Time.Now);
        var after = Decide(quiet, Burst, busy.History, Time.Now);

        busy.ScaleUps.Should().ContainSingle().Which.Count.Should().Be(1);
        busy.Releases.Should().BeEmpty("a pool with waiting demand never shrinks");
        busy.History.IdleSince.Should().ContainKey("burst-1", "the node's idle time keeps counting");
        after.Releases.Select(r => r.Node).Should().Equal("burst-1");
    }

    [Fact]
    public void Hand_backs_stop_at_the_pools_minimum_longest_idle_first()
    {
        var pool = Burst with { MinNodes = 1 };
        var snapshot = WithPoolNodes(FullCluster(teamGpus: 64).Build(), ("burst-1", NodeState.Ready), ("burst-2", NodeState.Ready));
        var idle = ScaleHistory.Empty with
        {
            IdleSince = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", Time.Now.AddMinutes(-10)), KeyValuePair.Create("burst-2", Time.Now.AddMinutes(-20))]),
        };

        var decision = Decide(snapshot, pool, idle, Time.Now);

        decision.Releases.Select(r => r.Node).Should().Equal("burst-2");
    }

    [Fact]
    public void A_pool_below_its_minimum_is_topped_up_at_once()
    {
        var pool = Burst with { MinNodes = 2, ScaleUpDelay = TimeSpan.FromHours(1) };

        var decision = Decide(FullCluster(teamGpus: 64).Build(), pool);

        decision.ScaleUps.Should().ContainSingle().Which.Should().BeEquivalentTo(new ScaleUp("burst", 2, "scaling up 2 x 8-GPU nodes to keep pool burst at its minimum of 2", []));
    }

    [Fact]
    public void A_paused_pool_neither_grows_nor_shrinks()
    {
        var pool = Burst with { Paused = true };
        var snapshot = WithPoolNodes(FullCluster(teamGpus: 64).Pending(10, "a", gpus: 8).Build(), ("burst-1", NodeState.Ready));
        var idle = ScaleHistory.Empty with { IdleSince = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", Time.Now.AddHours(-1))]) };

        var decision = Decide(snapshot, pool, idle, Time.Now);

        decision.ScaleUps.Should().BeEmpty();
        decision.Releases.Should().BeEmpty();
    }

    [Fact]
    public void A_waiting_job_explained_as_waiting_for_provisioning_says_so_and_starts_when_the_node_is_expected()
    {
        var request = new ResourceRequest(8, Cpu(1), Units.MiBPerGiB);
        var waiting = new PendingExplanation(Jobs.Id(10), null, new PendingReason(PendingCause.WaitingForCapacity, request, 2, new ResourceAmount(8, 0, 0), new ResourceAmount(16, 0, 0)), null);

        var explained = new ProvisioningWait(Jobs.Id(10), "burst", Time.Now.AddMinutes(3)).Explain(waiting);

        explained.EstimatedStart.Should().Be(Time.Now.AddMinutes(3));
        explained.Reason.Describe().Should().Be("needs 8 GPUs on one node; a node is being provisioned for it in pool burst; 2 jobs ahead");
        new ProvisioningWait(Jobs.Id(10), "burst", Time.Now.AddMinutes(3)).Explain(waiting with { EstimatedStart = Time.Now.AddMinutes(1) })
            .EstimatedStart.Should().Be(Time.Now.AddMinutes(1), "the queue frees room before the node comes");
    }

    /// <summary>n1 (8 H100) full with team b's job; team a may hold <paramref name="teamGpus"/>.</summary>
    private static ClusterBuilder FullCluster(int teamGpus) => Cluster()
        .Node("n1", gpus: 8)
        .Team("a", nominalGpus: teamGpus)
        .Team("b", nominalGpus: 64)
        .Running(1, "b", "n1", [0, 1, 2, 3, 4, 5, 6, 7]);

    private static ClusterSnapshot WithPoolNodes(ClusterSnapshot snapshot, params (string Name, NodeState State)[] nodes) =>
        snapshot with
        {
            Nodes = [.. snapshot.Nodes.Concat(nodes.Select(n => Burst.Shape.ToNode(n.Name, n.State, simulated: true, "burst"))).OrderBy(n => n.Name, StringComparer.Ordinal)],
        };

    private static ScaleDecision Decide(ClusterSnapshot snapshot, ElasticPool pool, ScaleHistory? history = null, DateTimeOffset? now = null)
    {
        var at = now ?? Time.Now;
        return ScalePlanner.Decide(snapshot, Scheduler.Plan(snapshot, at), [pool], history ?? ScaleHistory.Empty, at);
    }
}
