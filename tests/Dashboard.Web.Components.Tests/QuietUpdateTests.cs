using System.Collections.Immutable;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Components.Layout;
using Dashboard.Web.Quotas;
using MudBlazor;
using Dashboard.Web.Cluster;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// An engine update that changes nothing the Cluster page shows renders none of its live parts, so Blazor sends the
/// browser no render batch; a visible change still renders each part it touches, once.
/// </summary>
public sealed class QuietUpdateTests : ComponentTest
{
    private const string Reason = "scaling up 1 x 8-GPU node for 1 pending job";
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Under_the_layout_an_update_the_page_does_not_show_renders_neither_the_page_nor_its_quota_and_pool_panels()
    {
        Feed.Publish(Update(version: 1));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body =>
        {
            body.OpenComponent<ClusterPage>(0);
            body.CloseComponent();
        }));
        layout.WaitForAssertion(() => layout.FindAll(".node-card").Should().HaveCount(2), Patience);
        var page = layout.FindComponent<ClusterPage>();
        var (quotas, pools) = Renders(page);
        var subtrees = Subtrees(page);
        var title = page.FindComponent<Microsoft.AspNetCore.Components.Web.PageTitle>();
        var titleRenders = title.RenderCount;

        // A new version, a later instant and a pending job: the app bar's pending count changes, so the update has
        // reached the circuit and was rendered, in one batch with whatever of the page it touched; the page's nodes,
        // legend, quotas and pools did not change, so nothing in the page renders.
        Feed.Publish(Update(version: 2, pending: true) with { At = TestCluster.Now.AddSeconds(5) });
        layout.WaitForAssertion(() => layout.Find("[data-total='pending']").TextContent.Should().Be("1"), Patience);

        Subtrees(page).Should().Be(subtrees, "nothing the page, its quota panel or its pools panel shows changed, so none of them (nor anything in them) renders");

        // A GPU allocated: the page (for the card) and the quota panel (vision's use) render; the quota panel once, the
        // pools panel and the page's title not at all.
        Feed.Publish(Update(version: 3, pending: true, running: true));
        layout.WaitForAssertion(() => layout.Find("[data-total='gpus']").TextContent.Should().StartWith("1/"), Patience);

        Renders(page).Should().Be((quotas + 1, pools));
        page.FindComponent<ElasticPoolsPanel>().RenderCount.Should().Be(subtrees.Pools, "the pools did not change");
        title.RenderCount.Should().Be(titleRenders, "the title is drawn once, not again with every node change (with the head's outlet)");
        layout.Find(".gpu-tile[data-gpu='0']").ClassList.Should().Contain("allocated");
        layout.Find("#quota-panel [data-team='vision'] [data-field='used']").TextContent.Should().Be("1");

        // The pool's node note and activity change: the page (it hands the panel its pools, and the note is on a card)
        // and the pools panel render once each; the quota panel not at all.
        Feed.Publish(Update(version: 4, pending: true, running: true, reason: "waiting for zone eu-1"));
        layout.WaitForAssertion(() => layout.Find(".elastic-pool .pool-activity").TextContent.Should().Be("waiting for zone eu-1"), Patience);

        Renders(page).Should().Be((quotas + 1, pools + 1));
        layout.Find(".node-card[data-node='burst-1'] .node-note").TextContent.Should().Be("waiting for zone eu-1");
    }

    [Fact]
    public void The_app_bar_totals_do_not_render_for_the_first_live_update_when_no_figure_changed()
    {
        Feed.Publish(Update(version: 1));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body =>
        {
            body.OpenComponent<ClusterPage>(0);
            body.CloseComponent();
        }));
        layout.WaitForAssertion(() => layout.FindAll(".node-card").Should().HaveCount(2), Patience);
        var totals = layout.FindComponent<ClusterTotalsBar>();
        var rendered = totals.RenderCount;

        // Only a pool's activity and node note change: the page shows it, the totals are the same figures.
        Feed.Publish(Update(version: 2, reason: "waiting for zone eu-1"));
        layout.WaitForAssertion(() => layout.Find(".elastic-pool .pool-activity").TextContent.Should().Be("waiting for zone eu-1"), Patience);

        totals.RenderCount.Should().Be(rendered, "no figure in the app bar changed");
    }

    [Fact]
    public void With_its_own_subscriptions_an_update_the_page_does_not_show_renders_nothing_and_the_next_visible_one_renders_once()
    {
        Feed.Publish(Update(version: 1));
        Render<MudPopoverProvider>();
        var page = Render<ClusterPage>();
        var (quotas, pools) = Renders(page);

        // The quiet update goes first; the visible one right after shows both were handled (the feed hands the first
        // few updates on back to back, and at worst merges them), and only the visible one renders.
        Feed.Publish(Update(version: 2, pending: true) with { At = TestCluster.Now.AddSeconds(5) });
        Feed.Publish(Update(version: 3, pending: true, running: true));
        page.WaitForAssertion(() =>
        {
            page.Find(".gpu-tile[data-gpu='0']").ClassList.Should().Contain("allocated");
            page.Find("#quota-panel [data-team='vision'] [data-field='used']").TextContent.Should().Be("1");
        }, Patience);

        Renders(page).Should().Be((quotas + 1, pools), "the quota panel renders for the GPU, and not for the quiet update");
    }

    [Fact]
    public void The_quotas_page_renders_its_table_again_only_when_a_row_changes()
    {
        Feed.Publish(Update(version: 1));
        var page = Render<QuotasPage>();
        var table = page.FindComponent<LiveQuotas>();
        var before = table.RenderCount;

        Feed.Publish(Update(version: 2, pending: true) with { At = TestCluster.Now.AddSeconds(5) });
        Feed.Publish(Update(version: 3, pending: true, running: true));
        page.WaitForAssertion(() => page.Find("#quota-page-table [data-team='vision'] [data-field='used']").TextContent.Should().Be("1"), Patience);

        table.RenderCount.Should().Be(before + 1, "the live quotas render for vision's new use, and not for the quiet update");
    }

    [Fact]
    public void Under_the_layout_an_update_nothing_shows_is_not_even_cascaded()
    {
        Feed.Publish(Update(version: 1));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, body =>
        {
            body.OpenComponent<ClusterPage>(0);
            body.CloseComponent();
            body.OpenComponent<CascadeProbe>(1);
            body.CloseComponent();
        }));
        layout.WaitForAssertion(() => layout.FindAll(".node-card").Should().HaveCount(2), Patience);

        // The quiet update goes first, the visible one right after: once the visible one shows, both were handled.
        Feed.Publish(Update(version: 2) with { At = TestCluster.Now.AddSeconds(5) });
        Feed.Publish(Update(version: 3, running: true));
        layout.WaitForAssertion(() => layout.Find(".gpu-tile[data-gpu='0']").ClassList.Should().Contain("allocated"), Patience);

        layout.FindComponent<CascadeProbe>().Instance.Versions.Should().Equal([1, 3],
            "the layout's own render for an update nothing shows would still send the browser a render batch");
    }

    [Fact]
    public void The_layout_cascades_an_update_only_when_the_totals_nodes_legend_pools_or_quotas_differ()
    {
        var before = Update(version: 1);

        LiveClusterState.ShowSame(before, Update(version: 2) with { At = TestCluster.Now.AddSeconds(5) }).Should().BeTrue();
        LiveClusterState.ShowSame(before, Update(version: 2, pending: true)).Should().BeFalse("the app bar shows the pending count");
        LiveClusterState.ShowSame(before, Update(version: 2, running: true)).Should().BeFalse("a GPU is allocated");
        LiveClusterState.ShowSame(before, Update(version: 2, reason: "waiting for zone eu-1")).Should().BeFalse("a pool's note differs");
        LiveClusterState.ShowSame(before, before with { Snapshot = before.Snapshot with { Quotas = [] }, Version = 2 })
            .Should().BeFalse("the quota rows differ");
    }

    [Fact]
    public void Every_component_that_takes_the_layouts_live_state_is_one_that_ShowSame_covers()
    {
        // LiveClusterState.ShowSame decides which updates the layout passes on, from what these components show. A new
        // component that takes the live state must be added there (or it would miss updates that change only what it
        // shows), and then here.
        var takers = typeof(LiveClusterState).Assembly.GetTypes()
            .Where(type => type.GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                .Any(property => property.PropertyType == typeof(LiveClusterState)
                    && property.IsDefined(typeof(Microsoft.AspNetCore.Components.CascadingParameterAttribute), inherit: true)))
            .Select(type => type.Name);

        takers.Should().BeEquivalentTo(["ClusterTotalsBar", "ClusterPage", "LiveQuotas", "NotificationBell"]);
    }

    [Fact]
    public void Elastic_pools_built_twice_from_the_same_data_are_the_same_and_differ_when_a_note_or_action_does()
    {
        var pool = Pool(Reason);

        pool.SameAs(Pool(Reason)).Should().BeTrue();
        (pool == Pool(Reason)).Should().BeFalse("the record compares its notes and actions by reference, hence the value comparison");
        ImmutableArray.Create(pool).SameAs([Pool(Reason)]).Should().BeTrue();
        ImmutableArray<ElasticPoolStatus>.Empty.SameAs(default).Should().BeTrue("an empty and a default array both show no pools");

        pool.SameAs(Pool("waiting for zone eu-1")).Should().BeFalse("a node's note and the activity differ");
        pool.SameAs(pool with { NodeNotes = pool.NodeNotes.SetItem("burst-1", "other") }).Should().BeFalse("a node note differs");
        pool.SameAs(pool with { NodeNotes = pool.NodeNotes.Add("burst-2", Reason) }).Should().BeFalse("a node has a note more");
        pool.SameAs(pool with { Paused = true }).Should().BeFalse();
        pool.SameAs(pool with { RecentActions = pool.RecentActions.RemoveAt(1) }).Should().BeFalse("an action fewer");
        pool.SameAs(pool with { RecentActions = pool.RecentActions.SetItem(0, pool.RecentActions[0] with { Nodes = ["burst-2"] }) })
            .Should().BeFalse("an action's nodes differ");
        pool.SameAs(pool with { RecentActions = pool.RecentActions.SetItem(0, pool.RecentActions[0] with { Reason = "other" }) })
            .Should().BeFalse("an action's reason differs");
        ImmutableArray.Create(pool).SameAs([]).Should().BeFalse();
    }

    [Fact]
    public void Views_of_two_snapshots_show_the_same_when_only_the_instant_or_the_pending_queue_differs()
    {
        var before = Update(version: 1);
        var quiet = Update(version: 2, pending: true) with { At = TestCluster.Now.AddSeconds(5) };
        var started = Update(version: 3, running: true);

        ClusterView.From(quiet).ShowsSameAs(ClusterView.From(before)).Should().BeTrue();
        ClusterView.From(started).ShowsSameAs(ClusterView.From(before)).Should().BeFalse();
        QuotaView.Of(quiet).ShowsSameAs(QuotaView.Of(before)).Should().BeTrue();
        QuotaView.Of(started).ShowsSameAs(QuotaView.Of(before)).Should().BeFalse();
    }

    /// <summary>
    /// How often the page's quota panel and its pools panel have rendered themselves. bunit's RenderCount of a
    /// component also counts renders inside it: neither holds a component (the quota rows are shared HTML, the pools
    /// panel is markup in MudBlazor's classes), so each count is the panel's own.
    /// </summary>
    private static (int Quotas, int Pools) Renders(IRenderedComponent<ClusterPage> page) => (
        page.FindComponent<LiveQuotas>().RenderCount,
        page.FindComponent<ElasticPoolsPanel>().RenderCount);

    /// <summary>Renders of the page, its quota panel and its pools panel, or of anything inside them.</summary>
    private static (int Page, int Quotas, int Pools) Subtrees(IRenderedComponent<ClusterPage> page) => (
        page.RenderCount,
        page.FindComponent<LiveQuotas>().RenderCount,
        page.FindComponent<ElasticPoolsPanel>().RenderCount);

    /// <summary>A node and an elastic pool's provisioning node, vision's quota, its pool built afresh (new notes and actions) every time.</summary>
    private static ClusterUpdate Update(long version, bool pending = false, bool running = false, string reason = Reason)
    {
        var cluster = new TestCluster().Team("vision").Node("gpu-01", gpus: 2);
        if (running)
        {
            cluster.Run("gpu-01", [0], "vision");
        }

        if (pending)
        {
            cluster.Pending("vision");
        }

        var update = cluster.Update(version);
        var shape = new Scheduling.Elastic.ElasticNodeShape(8, "A100-80GB", 81_920, 64_000, 512 * 1024);
        var snapshot = update.Snapshot with { Nodes = update.Snapshot.Nodes.Add(shape.ToNode("burst-1", NodeState.Provisioning, simulated: true, "burst")) };
        return update with { Snapshot = snapshot, Summary = ClusterSummary.Of(snapshot), ElasticPools = [Pool(reason)] };
    }

    private static ElasticPoolStatus Pool(string reason) =>
        new("burst", "simulated", "8 × A100-80GB, 64 cores, 512 GiB", 0, 2, 0, 1, 0, 0, false, reason, null,
            ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", reason)]))
        {
            RecentActions =
            [
                new ScaleAction(At.AddSeconds(30), "burst", ScaleActionKind.ScaleUp, "system", ["burst-1"], Reason),
                new ScaleAction(At, "burst", ScaleActionKind.Resume, "root", [], "resumed by root"),
            ],
        };
}

/// <summary>Takes the layout's cascade and records the version of every update it hands on.</summary>
internal sealed class CascadeProbe : Microsoft.AspNetCore.Components.ComponentBase
{
    [Microsoft.AspNetCore.Components.CascadingParameter]
    public LiveClusterState? Live { get; set; }

    public List<long> Versions { get; } = [];

    protected override void OnParametersSet()
    {
        if (Live?.Update is { } update && (Versions.Count == 0 || Versions[^1] != update.Version))
        {
            Versions.Add(update.Version);
        }
    }
}
