using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// The layout's <see cref="LiveCluster"/> hands each update to the live views through the scope's
/// <see cref="LiveClusterSource"/> (no CascadingValue component): they render in one render batch, as under the
/// CascadingValue they did, and the layout's content is not drawn again.
/// </summary>
public sealed class LiveClusterTests : ComponentTest
{
    [Fact]
    public void An_update_reaches_every_live_view_in_one_render_batch()
    {
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Update(version: 1));
        var log = new List<string>();
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Probes(log)));
        layout.WaitForAssertion(() => Renders(log).Should().Equal("render a 1 (b sent: no)", "render b 1 (a sent: no)"), Patience);

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Run("gpu-01", [0, 1], "vision").Update(version: 2));
        layout.WaitForAssertion(() => layout.Find("[data-total='gpus']").TextContent.Should().Be("2/8"), Patience);
        layout.WaitForAssertion(() => Renders(log).Should().HaveCount(4), Patience);

        // One batch: each renders before the other's render was sent to the browser (its "after render"). Notified one
        // by one from outside a render, each would render and be sent in a batch of its own: b would see a's sent.
        Renders(log).Should().Equal("render a 1 (b sent: no)", "render b 1 (a sent: no)", "render a 2 (b sent: no)", "render b 2 (a sent: no)");
    }

    [Fact]
    public void LiveCluster_draws_nothing_and_the_layout_content_beside_it_is_not_drawn_again_by_an_update()
    {
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Update(version: 1));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, builder => builder.AddMarkupContent(0, "<p id=\"body\">page</p>")));
        var live = layout.FindComponent<LiveCluster>();

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Run("gpu-01", [0], "vision").Update(version: 2));
        layout.WaitForAssertion(() => layout.Find("[data-total='gpus']").TextContent.Should().Be("1/8"), Patience);

        live.Markup.Should().BeEmpty();
        live.RenderCount.Should().Be(1, "it renders (nothing) once per update it passes on, to notify the live views in a batch");
        layout.Find("#interactive").GetAttribute("data-ready").Should().Be("1");
    }

    [Fact]
    public void While_prerendering_the_live_state_is_null_and_the_live_views_read_the_feed_themselves()
    {
        Renderer.SetRendererInfo(new RendererInfo("Static", false));
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Run("gpu-01", [0, 1, 2], "vision").Update(version: 1));
        var log = new List<string>();

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, Probes(log)));

        Renders(log).Should().Equal("render a none (b sent: no)", "render b none (a sent: no)");
        layout.Find("[data-total='gpus']").TextContent.Should().Be("3/8");
        layout.Find("#interactive").GetAttribute("data-ready").Should().Be("0");
    }

    private static List<string> Renders(List<string> log)
    {
        lock (log)
        {
            return log.Where(entry => entry.StartsWith("render", StringComparison.Ordinal)).ToList();
        }
    }

    private static RenderFragment Probes(List<string> log) => builder =>
    {
        builder.OpenComponent<BatchProbe>(0);
        builder.AddComponentParameter(1, nameof(BatchProbe.Name), "a");
        builder.AddComponentParameter(2, nameof(BatchProbe.Log), log);
        builder.CloseComponent();
        builder.OpenComponent<BatchProbe>(3);
        builder.AddComponentParameter(4, nameof(BatchProbe.Name), "b");
        builder.AddComponentParameter(5, nameof(BatchProbe.Log), log);
        builder.CloseComponent();
    };
}

/// <summary>
/// Takes the live state; logs each render with the version it shows and whether the other probe's render of that
/// version was already sent to the browser, and each "after render" (called once its batch was sent).
/// </summary>
internal sealed class BatchProbe : ComponentBase
{
    private string shown = "none";

    [CascadingParameter]
    public LiveClusterState? Live { get; set; }

    [Parameter]
    public string Name { get; set; } = "";

    [Parameter]
    public List<string> Log { get; set; } = [];

    protected override bool ShouldRender() => shown != Version();

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        shown = Version();
        lock (Log)
        {
            var other = Name == "a" ? "b" : "a";
            Log.Add($"render {Name} {shown} ({other} sent: {(Log.Contains($"after {other} {shown}") ? "yes" : "no")})");
        }

        builder.AddContent(0, shown);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        lock (Log)
        {
            Log.Add($"after {Name} {shown}");
        }
    }

    private string Version() => Live?.Update?.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none";
}
