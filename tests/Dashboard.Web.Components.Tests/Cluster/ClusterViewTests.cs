using Dashboard.Scheduling.Model;
using Dashboard.Web.Cluster;

namespace Dashboard.Web.Components.Tests.Cluster;

public sealed class ClusterViewTests
{
    [Fact]
    public void Allocated_GPUs_carry_job_owner_team_since_and_expected_end_and_free_GPUs_carry_nothing()
    {
        var update = new TestCluster()
            .Team("vision")
            .Node("gpu-01", gpus: 4)
            .Run("gpu-01", [1, 2], "vision", owner: "alice", walltime: TimeSpan.FromHours(2), name: "resnet")
            .Update();

        var node = ClusterView.From(update).Nodes.Single();

        node.Gpus.Select(g => g.Index).Should().Equal(0, 1, 2, 3);
        node.Gpus.Where(g => g.Free).Select(g => g.Index).Should().Equal(0, 3);
        var held = node.Gpus[1].Allocation!;
        held.Job.Should().Be(1);
        held.JobName.Should().Be("resnet");
        held.Owner.Should().Be("alice");
        held.Team.Should().Be("vision");
        held.Since.Should().Be(TestCluster.Now.AddMinutes(-30));
        held.ExpectedEnd.Should().Be(TestCluster.Now.AddMinutes(90));
        node.Gpus[2].Allocation.Should().Be(held);
        node.GpusUsed.Should().Be(2);
        node.GpuModels.Should().Be("4 × A100-80GB");
        node.Gpus[1].Describe(new Dashboard.Web.Identity.SignedInUser("alice", Dashboard.Data.Users.UserRole.Member, ["vision"])).Should().Contain("job 1").And.Contain("alice (vision)").And.Contain("since 2026-11-28 13:30 UTC").And.Contain("expected end 2026-11-28 15:30 UTC");
    }

    [Fact]
    public void Node_views_from_two_snapshots_are_equal_exactly_when_the_node_shows_the_same()
    {
        static TestCluster Cluster() => new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Node("gpu-02", gpus: 2).Run("gpu-02", [1], "vision");
        var before = ClusterView.From(Cluster().Update(version: 1), before: null).Nodes;
        var same = ClusterView.From(Cluster().Update(version: 2), before: null).Nodes;
        var started = ClusterView.From(Cluster().Run("gpu-01", [0], "vision").Update(version: 3), before: null).Nodes;

        same[0].Should().NotBeSameAs(before[0]);
        same[0].Should().Be(before[0]);
        same[1].Should().Be(before[1]);
        same[1].GetHashCode().Should().Be(before[1].GetHashCode());
        started[0].Should().NotBe(before[0], "a job started on gpu-01: one tile and the CPU and memory bars changed");
        started[1].Should().Be(before[1], "gpu-02 did not change");
        (before[0] with { Note = "provisioning" }).Should().NotBe(before[0]);
    }

    [Fact]
    public void A_new_view_keeps_the_node_views_and_texts_of_the_view_before_where_they_show_the_same()
    {
        static TestCluster Cluster() => new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Node("gpu-02", gpus: 2).Run("gpu-02", [1], "vision");
        var first = ClusterView.From(Cluster().Update(version: 1), before: null);
        var unchanged = ClusterView.From(Cluster().Update(version: 2), first);
        var started = ClusterView.From(Cluster().Run("gpu-01", [0], "vision").Update(version: 3), unchanged);

        unchanged.Nodes.Should().Equal(first.Nodes);
        unchanged.Nodes[0].Should().BeSameAs(first.Nodes[0], "every circuit then holds and compares one object per unchanged node");
        unchanged.Nodes[1].Should().BeSameAs(first.Nodes[1]);
        (unchanged.Legend == first.Legend).Should().BeTrue("an unchanged legend is the same array");
        (unchanged.Nodes == first.Nodes).Should().BeTrue("an unchanged cluster is the same array: a circuit compares it by reference");
        unchanged.ShowsSameAs(first).Should().BeTrue();
        started.Nodes[0].Should().NotBeSameAs(first.Nodes[0], "a job started on gpu-01");
        started.Nodes[0].Gpus[0].Allocation.Should().NotBeNull();
        started.Nodes[1].Should().BeSameAs(first.Nodes[1], "gpu-02 did not change");
        started.ShowsSameAs(unchanged).Should().BeFalse();

        var tile = started.Nodes[1].Gpus[1];
        tile.Describe(viewer: null).Should().BeSameAs(tile.Describe(viewer: null), "a tile's text is made once and shared by every circuit");
        tile.Describe(viewer: null).Should().StartWith("GPU 1 (").And.Contain("a job of team vision");
        started.Nodes[1].HeatUsage.Should().BeSameAs(started.Nodes[1].HeatUsage);
        TileStyle.Of("#0072b2", borrowed: true).Should().BeSameAs(TileStyle.Of("#0072b2", borrowed: true)).And.Contain(TileStyle.BorrowedStripes);
    }

    [Fact]
    public void A_job_without_walltime_has_no_expected_end()
    {
        var update = new TestCluster().Node("gpu-01").Run("gpu-01", [0], "nlp").Update();

        var tile = ClusterView.From(update).Nodes.Single().Gpus[0];

        tile.Allocation!.ExpectedEnd.Should().BeNull();
        tile.Describe(viewer: null).Should().Contain("expected end none");
    }

    [Fact]
    public void CPU_and_memory_bars_show_requests_against_capacity()
    {
        var update = new TestCluster()
            .Node("gpu-01", cores: 64, memoryGiB: 512)
            .Run("gpu-01", [0], "vision", cores: 16, memoryGiB: 128)
            .Run("gpu-01", [1], "nlp", cores: 8, memoryGiB: 128)
            .Update();

        var node = ClusterView.From(update).Nodes.Single();

        node.Cpu.Used.Should().Be(24_000);
        node.Cpu.Capacity.Should().Be(64_000);
        node.Cpu.Percent.Should().Be(37.5);
        node.Cpu.Text.Should().Be("24 / 64 cores requested");
        node.Memory.Percent.Should().Be(50);
        node.Memory.Text.Should().Be("256 / 512 GiB requested");
    }

    [Fact]
    public void Each_team_keeps_its_colour_whatever_else_runs_and_teams_of_one_cluster_differ()
    {
        var teams = new[] { "vision", "nlp", "speech", "research" };
        var first = TeamPalette.Assign(teams);
        var again = TeamPalette.Assign(teams.Reverse());

        again.Should().Equal(first, "the order teams arrive in does not matter");
        first.Values.Should().OnlyHaveUniqueItems();
        first.Values.Should().OnlyContain(c => TeamPalette.Colours.Contains(c));

        var quiet = new TestCluster().Team("vision").Team("nlp").Node("gpu-01").Run("gpu-01", [0], "vision").Update();
        var busy = new TestCluster().Team("vision").Team("nlp").Node("gpu-01")
            .Run("gpu-01", [0, 1], "nlp").Run("gpu-01", [2], "vision").Update();
        var visionQuiet = ClusterView.From(quiet).Nodes[0].Gpus[0].Allocation!.Colour;
        var visionBusy = ClusterView.From(busy).Nodes[0].Gpus[2].Allocation!.Colour;

        visionBusy.Should().Be(visionQuiet, "a team's colour does not change when other jobs start or end");
    }

    [Fact]
    public void More_teams_than_the_palette_still_get_a_colour_each()
    {
        var teams = Enumerable.Range(0, TeamPalette.Colours.Length + 3).Select(i => $"team-{i}").ToList();

        var colours = TeamPalette.Assign(teams);

        colours.Should().HaveCount(teams.Count);
        colours.Values.Count(c => c.StartsWith("hsl(", StringComparison.Ordinal)).Should().Be(3);
    }

    [Fact]
    public void The_legend_lists_the_teams_holding_GPUs_with_the_colours_of_their_tiles()
    {
        var update = new TestCluster()
            .Team("vision").Team("nlp").Team("speech")
            .Node("gpu-01")
            .Run("gpu-01", [0], "vision")
            .Run("gpu-01", [1], "nlp")
            .Update();

        var view = ClusterView.From(update);

        view.Legend.Select(l => l.Team).Should().Equal("nlp", "vision");
        view.Legend.Single(l => l.Team == "vision").Colour.Should().Be(view.Nodes[0].Gpus[0].Allocation!.Colour);
    }

    [Fact]
    public void Nodes_keep_their_state_and_simulated_mark_and_the_totals_come_from_the_summary()
    {
        var update = new TestCluster()
            .Node("gpu-01", simulated: true)
            .Node("gpu-02", state: NodeState.Draining)
            .Node("gpu-03", state: NodeState.Down)
            .Run("gpu-01", [0, 1, 2], "vision", cores: 8, memoryGiB: 64)
            .Pending("nlp")
            .Update();

        var view = ClusterView.From(update);

        view.Nodes.Select(n => (n.Name, n.State, n.Simulated)).Should().Equal(
            ("gpu-01", NodeState.Ready, true), ("gpu-02", NodeState.Draining, false), ("gpu-03", NodeState.Down, false));
        view.Totals.Should().Be(new ClusterTotals("3/16", "8/128 cores", "64/1024 GiB", Pending: 1, Running: 1));
    }

    [Fact]
    public void Circuits_showing_the_same_snapshot_share_one_view()
    {
        var update = new TestCluster().Node("gpu-01").Run("gpu-01", [0], "vision").Update();
        var merged = update with { Events = [], Version = 2 };

        ClusterView.Of(merged).Should().BeSameAs(ClusterView.Of(update));
        ClusterView.Of(new TestCluster().Node("gpu-01").Update()).Should().NotBeSameAs(ClusterView.Of(update));
    }

    [Fact]
    public void The_compact_view_starts_above_the_threshold()
    {
        ClusterView.From(new TestCluster().Nodes(ClusterView.CompactAbove).Update()).Compact.Should().BeFalse();
        ClusterView.From(new TestCluster().Nodes(ClusterView.CompactAbove + 1).Update()).Compact.Should().BeTrue();
    }
}
