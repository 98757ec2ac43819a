using Dashboard.Scheduling.Model;
using Dashboard.Web.Components.Layout;
using MudBlazor;
using Dashboard.Web.Cluster;

namespace Dashboard.Web.Components.Tests.Cluster;

public sealed class ClusterPageTests : ComponentTest
{
    [Fact]
    public void Renders_a_card_per_node_with_tiles_coloured_by_team_and_the_legend()
    {
        var update = new TestCluster()
            .Team("vision").Team("nlp")
            .Node("gpu-01", gpus: 4)
            .Node("gpu-02", gpus: 2)
            .Run("gpu-01", [0, 1], "vision")
            .Run("gpu-02", [1], "nlp")
            .Update();
        var colours = TeamPalette.Assign(["vision", "nlp"]);
        Feed.Publish(update);
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        page.FindAll(".node-card").Select(c => c.GetAttribute("data-node")).Should().Equal("gpu-01", "gpu-02");
        var first = page.Find(".node-card[data-node='gpu-01']");
        first.QuerySelectorAll(".gpu-tile").Should().HaveCount(4);
        first.QuerySelectorAll(".gpu-tile.allocated").Select(t => (t.GetAttribute("data-gpu"), t.GetAttribute("style")))
            .Should().Equal(("0", TileStyle.Of(colours["vision"], borrowed: false)), ("1", TileStyle.Of(colours["vision"], borrowed: false)));
        first.QuerySelectorAll(".gpu-tile.free").Select(t => t.GetAttribute("data-gpu")).Should().Equal("2", "3");
        first.QuerySelectorAll(".gpu-tile.free").Should().OnlyContain(t => t.GetAttribute("style") == null, "free tiles stay plain");
        page.Find(".node-card[data-node='gpu-02'] .gpu-tile.allocated").GetAttribute("data-team").Should().Be("nlp");
        page.FindAll("#team-legend .team-legend-item").Select(i => (i.TextContent.Trim(), i.QuerySelector(".team-swatch")!.GetAttribute("style")))
            .Should().Equal(("nlp", $"background-color: {colours["nlp"]}"), ("vision", $"background-color: {colours["vision"]}"));
        first.QuerySelector(".node-state")!.TextContent.Should().Contain("Ready");
        first.QuerySelector(".node-gpu-models")!.TextContent.Should().Be("4 × A100-80GB");
        first.QuerySelectorAll(".usage-bar").Select(b => b.GetAttribute("data-resource")).Should().Equal("CPU", "Memory");
        first.QuerySelectorAll(".mud-progress-linear").Should().HaveCount(2);
        first.QuerySelector(".usage-bar[data-resource='CPU'] .usage-bar-text")!.TextContent.Should().Be("4 / 64 cores requested");
    }

    [Fact]
    public void Shows_who_holds_a_GPU_in_its_hover_card_without_a_popover()
    {
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 2).Run("gpu-01", [1], "vision", owner: "alice", walltime: TimeSpan.FromHours(1), name: "resnet").Update());
        Render<MudPopoverProvider>();
        var page = Render<ClusterPage>();

        // The card sits beside the tile in the tile's slot; app.css shows it on hover and focus (a tap), the browser
        // tests check that. It is plain markup: no MudTooltip, so no popover to render again on every update.
        var slot = page.Find(".gpu-tile.allocated[data-gpu='1']").ParentElement!;
        slot.ClassList.Should().Contain("gpu-slot");
        page.Find(".gpu-tile.allocated").GetAttribute("tabindex").Should().Be("0", "a tap focuses the tile, which shows its card");
        var card = slot.QuerySelector(".gpu-hover-card")!.TextContent;
        card.Should().Contain("GPU 1").And.Contain("Job #1 resnet").And.Contain("Owner alice (vision)")
            .And.Contain("Since 2026-11-28 13:30 UTC").And.Contain("Expected end 2026-11-28 14:30 UTC");
        page.FindComponents<MudTooltip>().Should().BeEmpty();
        page.FindAll(".gpu-tile.free .gpu-hover-card").Should().BeEmpty("a free GPU has nobody to show");
    }

    [Fact]
    public void Labels_simulated_nodes_and_shows_each_nodes_state()
    {
        Feed.Publish(new TestCluster()
            .Node("demo-gpu-01", simulated: true)
            .Node("real-01", state: NodeState.Draining)
            .Node("real-02", state: NodeState.Down)
            .Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        page.Find(".node-card[data-node='demo-gpu-01'] .node-simulated").TextContent.Should().Contain("simulated");
        page.FindAll(".node-card[data-node='real-01'] .node-simulated").Should().BeEmpty();
        page.Find(".node-card[data-node='real-01'] .node-state").TextContent.Should().Contain("Drained", "a draining node with nothing left on it is drained");
        page.Find(".node-card[data-node='real-02'] .node-state").TextContent.Should().Contain("Down");
    }

    [Fact]
    public void Updates_live_when_the_engine_publishes()
    {
        Render<MudPopoverProvider>();
        var page = Render<ClusterPage>();
        page.FindAll(".node-card").Should().BeEmpty();
        page.Markup.Should().Contain("Waiting for the engine");

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 2).Update(version: 1));
        page.WaitForAssertion(() => page.FindAll(".node-card .gpu-tile.free").Should().HaveCount(2), Patience);

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 2).Run("gpu-01", [0], "vision").Update(version: 2));
        page.WaitForAssertion(() =>
        {
            page.Find(".gpu-tile[data-gpu='0']").ClassList.Should().Contain("allocated");
            page.Find("#team-legend").TextContent.Should().Contain("vision");
        }, Patience);

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 2).Update(version: 3));
        page.WaitForAssertion(() => page.FindAll(".gpu-tile.allocated").Should().BeEmpty("the job ended and its GPU is free again"), Patience);
    }

    [Fact]
    public void A_live_update_renders_again_only_the_cards_of_nodes_that_changed()
    {
        static TestCluster Cluster() => new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Node("gpu-02", gpus: 2).Run("gpu-02", [1], "vision");
        Render<MudPopoverProvider>();
        Feed.Publish(Cluster().Update(version: 1));
        var page = Render<ClusterPage>();
        IRenderedComponent<NodeCard> Card(string node) => page.FindComponents<NodeCard>().Single(c => c.Instance.Node.Name == node);
        var (first, second) = (Card("gpu-01").RenderCount, Card("gpu-02").RenderCount);

        Feed.Publish(Cluster().Run("gpu-01", [0], "vision").Update(version: 2));
        page.WaitForAssertion(() => page.Find(".node-card[data-node='gpu-01'] .gpu-tile[data-gpu='0']").ClassList.Should().Contain("allocated"), Patience);

        // bunit counts a render of the card or of anything inside it.
        Card("gpu-01").RenderCount.Should().BeGreaterThan(first);
        Card("gpu-02").RenderCount.Should().Be(second, "nothing on gpu-02 changed, so its card (chips, tooltips, bars) is not rendered again");
        page.Find(".node-card[data-node='gpu-02'] .gpu-tile[data-gpu='1']").ClassList.Should().Contain("allocated");
    }

    [Fact]
    public async Task Stops_listening_once_disposed()
    {
        Render<MudPopoverProvider>();
        var page = Render<ClusterPage>();
        Feed.Publish(new TestCluster().Node("gpu-01").Update());
        page.WaitForAssertion(() => page.FindAll(".node-card").Should().HaveCount(1), Patience);
        var subscribed = SubscriberCount();

        await DisposeComponentsAsync();

        subscribed.Should().Be(2, "the page and its quota panel each listen");
        SubscriberCount().Should().Be(0);
    }

    [Fact]
    public async Task Under_the_layout_the_circuit_listens_once_and_the_page_and_quota_panel_follow_the_layout()
    {
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Update(version: 1));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body =>
        {
            body.OpenComponent<ClusterPage>(0);
            body.CloseComponent();
        }));
        layout.WaitForAssertion(() => layout.FindAll(".node-card .gpu-tile.free").Should().HaveCount(2), Patience);
        SubscriberCount().Should().Be(1, "the layout's one subscription serves the app bar, the page and its quota panel");
        var quotaPanel = layout.Find("#quota-panel").TextContent;

        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Run("gpu-01", [0], "vision").Update(version: 2));

        layout.WaitForAssertion(() =>
        {
            layout.Find(".gpu-tile[data-gpu='0']").ClassList.Should().Contain("allocated");
            layout.Find("[data-total='gpus']").TextContent.Should().Be("1/2");
            layout.Find("#quota-panel").TextContent.Should().NotBe(quotaPanel, "the quota panel shows vision's GPU in use");
        }, Patience);

        await DisposeComponentsAsync();
        SubscriberCount().Should().Be(0);
    }

    [Fact]
    public void Above_the_threshold_draws_a_compact_heat_map_instead_of_cards()
    {
        var cluster = new TestCluster().Team("vision").Nodes(ClusterView.CompactAbove + 50).Run("node-0001", [0, 1], "vision");
        Feed.Publish(cluster.Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        page.FindAll(".node-card").Should().BeEmpty();
        page.Find("#heat-map").Should().NotBeNull();
        page.Markup.Should().Contain($"{ClusterView.CompactAbove + 50} nodes");
        var firstRow = page.Find(".heat-row[data-node='node-0001']");
        firstRow.QuerySelectorAll(".heat-cell").Should().HaveCount(8);
        firstRow.QuerySelectorAll(".heat-cell.allocated").Select(c => c.GetAttribute("data-team")).Should().Equal("vision", "vision");
        page.FindAll(".heat-row").Count.Should().BeLessThan(ClusterView.CompactAbove + 50, "rows out of view are not rendered");
    }

    private int SubscriberCount()
    {
        var field = typeof(Dashboard.Engine.Feed.ClusterFeed).GetField("subscribers", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        return ((System.Collections.ICollection)field.GetValue(Feed)!).Count;
    }
}
