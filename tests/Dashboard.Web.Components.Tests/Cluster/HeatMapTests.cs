using System.Reflection;
using Dashboard.Engine.Feed;
using Dashboard.Web.Cluster;
using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web.Virtualization;

namespace Dashboard.Web.Components.Tests.Cluster;

/// <summary>
/// Above <see cref="ClusterView.CompactAbove"/> nodes the page draws a heat map of the rows in view (its window). A live
/// update that changes only nodes outside the window renders neither the page nor the map; one that changes a drawn row
/// renders the map, not the page; the rows drawn when the window moves are the newest; the app bar still follows.
/// </summary>
public sealed class HeatMapTests : ComponentTest
{
    private const int Nodes = 300;

    [Fact]
    public void Under_the_layout_only_a_change_in_the_window_renders_the_heat_map_and_the_page_renders_for_neither()
    {
        Feed.Publish(Cluster().Update(version: 1));
        var layout = RenderLayout();
        var map = layout.FindComponent<HeatMap>();
        var (start, count) = map.Instance.Window;
        start.Should().Be(0);
        count.Should().BeInRange(1, Nodes - 100, "bunit's viewport shows at most Virtualize's maximum of rows");
        var outside = Name(Nodes);
        var inside = Name(2);
        layout.FindAll($".heat-row[data-node='{outside}']").Should().BeEmpty("the last node is outside the window");
        var mapRenders = map.RenderCount;

        // bunit counts a component's renders with those of everything inside it (the quota panel renders for vision's
        // use), so the page's own renders show by what it hands the map: a render of the page passes the newest nodes.
        var handed = map.Instance.Nodes;

        // A node outside the window: the app bar's totals show the change; the page and the map render nothing.
        Feed.Publish(Cluster().Run(outside, [0, 1], "vision").Update(version: 2));
        layout.WaitForAssertion(() => layout.Find("[data-total='gpus']").TextContent.Should().StartWith("3/"), Patience);
        map.RenderCount.Should().Be(mapRenders, "no drawn row changed");
        (map.Instance.Nodes == handed).Should().BeTrue("nothing the page itself draws changed, so it did not render");

        // A node inside the window: the map draws its row; the page does not render.
        Feed.Publish(Cluster().Run(outside, [0, 1], "vision").Run(inside, [3], "vision").Update(version: 3));
        layout.WaitForAssertion(() => layout.FindAll($".heat-row[data-node='{inside}'] .heat-cell.allocated").Should().HaveCount(1), Patience);
        (map.Instance.Nodes == handed).Should().BeTrue("the node count, the legend and the borrowed entry are the same: the page did not render");

        // The window moves to the end (the browser scrolled): the outside node's row is drawn in its newest state.
        ScrollToEnd(layout.FindAll(".heat-row").Count);
        layout.WaitForAssertion(() => layout.FindAll($".heat-row[data-node='{outside}'] .heat-cell.allocated").Should().HaveCount(2), Patience);
        map.Instance.Window.Start.Should().BeGreaterThan(0);

        // Now the last node is in the window and the first is not: freeing the first renders nothing, freeing the last
        // renders its row.
        mapRenders = map.RenderCount;
        Feed.Publish(Cluster().Run(outside, [0, 1], "vision").Update(version: 4));
        layout.WaitForAssertion(() => layout.Find("[data-total='gpus']").TextContent.Should().StartWith("3/"), Patience);
        map.RenderCount.Should().Be(mapRenders, "the freed node is no longer in the window");
        Feed.Publish(Cluster().Update(version: 5));
        layout.WaitForAssertion(() => layout.FindAll($".heat-row[data-node='{outside}'] .heat-cell.allocated").Should().BeEmpty(), Patience);
        (map.Instance.Nodes == handed).Should().BeTrue();
    }

    [Fact]
    public void After_a_burst_of_updates_the_last_state_is_drawn_and_a_new_team_renders_the_page_for_its_legend()
    {
        Feed.Publish(Cluster().Update(version: 1));
        var layout = RenderLayout();
        var map = layout.FindComponent<HeatMap>();
        var handed = map.Instance.Nodes;

        // Many updates back to back (the feed hands a few on and merges the rest): the row shows the last one.
        for (var version = 2; version <= 30; version++)
        {
            Feed.Publish(Cluster().Run(Name(1), [.. Enumerable.Range(0, version % 8 + 1)], "vision").Update(version));
        }

        layout.WaitForAssertion(() => layout.FindAll($".heat-row[data-node='{Name(1)}'] .heat-cell.allocated").Should().HaveCount(30 % 8 + 1), Patience);
        layout.WaitForAssertion(() => layout.Find("[data-total='gpus']").TextContent.Should().StartWith($"{30 % 8 + 2}/"), Patience);
        (map.Instance.Nodes == handed).Should().BeTrue("only rows changed: the page did not render (it would hand the map its nodes)");

        // A team that held no GPU before: the legend (the page's own) shows it.
        Feed.Publish(Cluster().Run(Name(Nodes), [0], "nlp").Update(version: 31));
        layout.WaitForAssertion(() => layout.FindAll("#team-legend .team-legend-item[data-team='nlp']").Should().HaveCount(1), Patience);
        (map.Instance.Nodes == handed).Should().BeFalse("the page rendered, and handed the map the newest nodes");
        map.Instance.Nodes[Nodes - 1].Gpus[0].Allocation!.Team.Should().Be("nlp");
    }

    [Fact]
    public void A_new_number_of_nodes_redraws_the_map()
    {
        Feed.Publish(Cluster().Update(version: 1));
        var layout = RenderLayout();
        layout.Markup.Should().Contain($"{Nodes} nodes");

        Feed.Publish(Cluster().Node("node-9999").Update(version: 2));

        layout.WaitForAssertion(() => layout.Markup.Should().Contain($"{Nodes + 1} nodes"), Patience);
        ScrollToEnd(layout.FindAll(".heat-row").Count);
        layout.WaitForAssertion(() => layout.FindAll(".heat-row[data-node='node-9999']").Should().HaveCount(1), Patience);
    }

    [Fact]
    public void The_prerendered_page_draws_the_first_rows_and_the_circuit_draws_its_window()
    {
        Feed.Publish(Cluster().Run(Name(1), [0, 1], "vision").Update(version: 1));
        Renderer.SetRendererInfo(new RendererInfo("Static", false));
        var prerendered = Render<MainLayout>(p => p.Add(l => l.Body, body =>
        {
            body.OpenComponent<ClusterPage>(0);
            body.CloseComponent();
        }));

        prerendered.FindAll(".heat-row").Select(row => row.GetAttribute("data-node")).Should().Equal(Enumerable.Range(1, HeatMap.PrerenderedRows).Select(Name), "a screen's worth of rows, in order, before the circuit starts");
        prerendered.FindAll($".heat-row[data-node='{Name(1)}'] .heat-cell.allocated").Should().HaveCount(2);
        prerendered.FindComponents<Virtualize<NodeView>>().Should().BeEmpty("Virtualize has no window without a circuit");

        Renderer.SetRendererInfo(new RendererInfo("Server", true));
        var interactive = RenderLayout();
        interactive.FindComponents<Virtualize<NodeView>>().Should().ContainSingle();
        interactive.FindAll($".heat-row[data-node='{Name(1)}'] .heat-cell.allocated").Should().HaveCount(2);
    }

    private IRenderedComponent<MainLayout> RenderLayout()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body =>
        {
            body.OpenComponent<ClusterPage>(0);
            body.CloseComponent();
        }));
        layout.WaitForAssertion(() => layout.FindAll(".heat-row").Should().NotBeEmpty(), Patience);
        return layout;
    }

    // vision holds a GPU throughout (on a node outside the first window), so the legend stays the same unless a test
    // brings another team in.
    private static TestCluster Cluster() => new TestCluster().Team("vision").Team("nlp").Nodes(Nodes).Run(Name(150), [7], "vision");

    private static string Name(int node) => $"node-{node:D4}";

    /// <summary>
    /// What the browser's script tells Virtualize when the spacer after the rows comes into view at the end of the list
    /// (<c>OnSpacerAfterVisible</c>, the method the page's JavaScript calls): a viewport of ten rows, none after it.
    /// </summary>
    private void ScrollToEnd(int drawnRows)
    {
        var init = JSInterop.Invocations.Last(i => i.Identifier == "Blazor._internal.Virtualize.init");
        var reference = init.Arguments[0]!;
        var callbacks = reference.GetType().GetProperty("Value")!.GetValue(reference)!;
        var after = callbacks.GetType().GetMethod("OnSpacerAfterVisible", BindingFlags.Public | BindingFlags.Instance)!;
        Renderer.Dispatcher.InvokeAsync(() => after.Invoke(callbacks, [0f, drawnRows * 22f, 220f])).Wait();
    }
}
