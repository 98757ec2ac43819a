using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Timeline;

namespace Dashboard.Web.Components.Tests.Timeline;

public sealed class TimelineViewTests
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);
    private static readonly SignedInUser Admin = new("root", UserRole.Admin, []);
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);

    [Fact]
    public void A_running_job_is_a_bar_on_its_GPU_lanes_from_now_until_its_expected_end()
    {
        // Started 30 min ago with a 6.5 h walltime: it ends 6 h from now, a quarter of a 24 h window.
        var update = new TestCluster().Team("vision").Node("gpu-01", gpus: 4)
            .Run("gpu-01", [1, 2], "vision", owner: "alice", walltime: TimeSpan.FromHours(6.5), name: "resnet")
            .Update();

        var row = TimelineView.Of(update, Day, Alice).Rows.Single();

        row.Lanes.Should().Be(4);
        var bar = row.Bars.Single();
        bar.Kind.Should().Be(TimelineBarKind.Running);
        (bar.FirstLane, bar.LaneCount).Should().Be((1, 2));
        bar.Left.Should().Be(0, "it started before the window");
        bar.Width.Should().BeApproximately(25, 0.001);
        bar.Label.Should().Be("resnet (alice)");
        bar.MayOpen.Should().BeTrue();
        bar.Description.Should().Contain("job 1 resnet (alice, vision)").And.Contain("2 GPUs on gpu-01 (GPUs 1-2)").And.Contain("expected to end by Sat 20:00 UTC");
    }

    [Fact]
    public void A_job_without_walltime_runs_to_the_window_end_and_split_GPUs_give_one_bar_per_run_of_lanes()
    {
        var update = new TestCluster().Node("gpu-01", gpus: 8).Run("gpu-01", [0, 1, 5], "vision", owner: "alice").Update();

        var bars = TimelineView.Of(update, Day, Alice).Rows.Single().Bars;

        bars.Select(b => (b.FirstLane, b.LaneCount)).Should().Equal((0, 2), (5, 1));
        bars.Should().AllSatisfy(b => b.Width.Should().Be(100));
        bars[0].Description.Should().Contain("no walltime, so no expected end");
    }

    [Fact]
    public void A_waiting_job_with_a_planned_node_is_drawn_estimated_at_its_start_on_lanes_free_by_then()
    {
        // GPUs 0-3 are busy until 20:00 (6 h from now), 4-7 free; the 4-GPU job is estimated at 20:00 on gpu-01.
        var update = new TestCluster().Team("vision").Team("nlp").Node("gpu-01", gpus: 8)
            .Run("gpu-01", [0, 1, 2, 3], "vision", walltime: TimeSpan.FromHours(6.5))
            .Run("gpu-01", [4, 5, 6, 7], "vision", walltime: TimeSpan.FromHours(12.5))
            .Waiting("nlp", gpus: 4, TestCluster.Now.AddHours(6), node: "gpu-01", owner: "bob", walltime: TimeSpan.FromHours(3), name: "bert")
            .Update();

        var estimated = TimelineView.Of(update, Day, Admin).Rows.Single().Bars.Single(b => b.Kind == TimelineBarKind.Estimated);

        (estimated.FirstLane, estimated.LaneCount).Should().Be((0, 4), "the lanes freed by 20:00, not the ones busy until 02:00");
        estimated.Left.Should().BeApproximately(25, 0.001);
        estimated.Width.Should().BeApproximately(12.5, 0.001);
        estimated.Description.Should().Contain("estimated to start at Sat 20:00 UTC on gpu-01 with 4 GPUs").And.Contain("(an estimate)");
    }

    [Fact]
    public void Other_teams_jobs_are_shown_to_a_member_without_name_owner_or_link_and_to_an_admin_in_full()
    {
        var update = new TestCluster().Node("gpu-01", gpus: 2).Run("gpu-01", [0], "nlp", owner: "bob", name: "secret-project")
            .Waiting("nlp", gpus: 1, TestCluster.Now.AddHours(1), owner: "bob", name: "secret-next").Update();

        var forAlice = TimelineView.Of(update, Day, Alice);
        var hidden = forAlice.Rows.Single().Bars.Single();
        hidden.Label.Should().Be("nlp job");
        hidden.MayOpen.Should().BeFalse();
        hidden.Description.Should().NotContain("secret").And.NotContain("bob");
        forAlice.Unplaced.Single().Description.Should().NotContain("secret").And.NotContain("bob").And.Contain("node is chosen when it starts");

        var forAdmin = TimelineView.Of(update, Day, Admin);
        forAdmin.Rows.Single().Bars.Single().Label.Should().Be("secret-project (bob)");
        forAdmin.Unplaced.Single().MayOpen.Should().BeTrue();
    }

    [Fact]
    public void A_draining_node_carries_a_draining_overlay_over_all_its_lanes()
    {
        var update = new TestCluster().Node("gpu-01", gpus: 4, state: NodeState.Draining).Update();

        var bar = TimelineView.Of(update, Day, Alice).Rows.Single().Bars.Single();

        bar.Kind.Should().Be(TimelineBarKind.Draining);
        (bar.FirstLane, bar.LaneCount, bar.Width).Should().Be((0, 4, 100));
    }

    [Fact]
    public void Zooming_out_to_a_week_shrinks_the_same_job_to_a_seventh_of_the_width()
    {
        var update = new TestCluster().Node("gpu-01", gpus: 1).Run("gpu-01", [0], "vision", walltime: TimeSpan.FromHours(24.5)).Update();

        var week = TimelineWindow.SpanNamed("7d");
        var bar = TimelineView.Of(update, week.Length, Alice).Rows.Single().Bars.Single();

        bar.Width.Should().BeApproximately(100.0 / 7, 0.001);
        TimelineWindow.SpanNamed("nonsense").Should().Be(TimelineWindow.DefaultSpan);
        new TimelineWindow(TestCluster.Now, week.Length).Ticks(week.TickStep).Should().HaveCount(7);
    }

    [Fact]
    public void Above_the_aggregation_threshold_nodes_fold_into_one_row_per_GPU_model_with_busy_counts_per_slice()
    {
        var cluster = new TestCluster().Nodes(TimelineView.AggregateAbove + 20, gpus: 8);
        cluster.Run("node-0001", [0, 1, 2, 3], "vision", walltime: TimeSpan.FromHours(12.5));
        var view = TimelineView.Of(cluster.Update(), Day, Alice);

        view.Aggregated.Should().BeTrue();
        view.Rows.Should().BeEmpty();
        var group = view.Groups.Single();
        group.Nodes.Should().Be(TimelineView.AggregateAbove + 20);
        group.Gpus.Should().Be((TimelineView.AggregateAbove + 20) * 8);
        group.Cells.Should().HaveCount(TimelineView.Slices);
        group.Cells[0].BusyGpus.Should().Be(4);
        group.Cells[^1].BusyGpus.Should().Be(0, "the job ends half-way through the window");
    }

    [Fact]
    public void A_node_draws_its_soonest_waiting_jobs_and_says_how_many_more_it_did_not_draw()
    {
        var cluster = new TestCluster().Node("gpu-01", gpus: 8);
        for (var i = 0; i < TimelineView.MaxEstimatedPerNode + 3; i++)
        {
            cluster.Waiting("vision", gpus: 1, TestCluster.Now.AddMinutes(10 + i), node: "gpu-01", walltime: TimeSpan.FromHours(1));
        }

        var row = TimelineView.Of(cluster.Update(), Day, Admin).Rows.Single();

        row.Bars.Should().HaveCount(TimelineView.MaxEstimatedPerNode);
        row.Note.Should().Be("3 more waiting jobs estimated to start here later in the window (not drawn)");
    }
}
