using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Dashboard.Web.Timeline;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Timeline;

public sealed class TimelinePageTests : ComponentTest
{
    private readonly FakeTimeProvider clock = new(TestCluster.Now);

    public TimelinePageTests()
        : base(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestCluster.Now)))
    {
        clock = (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();
    }

    [Fact]
    public void Draws_a_row_per_node_with_running_and_estimated_bars_that_link_to_jobs_the_viewer_may_open()
    {
        Feed.Publish(new TestCluster().Team("vision").Team("nlp").Node("gpu-01", gpus: 4).Node("gpu-02", gpus: 2)
            .Run("gpu-01", [0, 1], "vision", owner: "alice", walltime: TimeSpan.FromHours(2.5), name: "resnet")
            .Run("gpu-02", [0], "nlp", owner: "bob", name: "bert")
            .Waiting("vision", gpus: 2, TestCluster.Now.AddHours(2), node: "gpu-01", owner: "alice", walltime: TimeSpan.FromHours(1), name: "eval")
            .Update());

        var page = Render<TimelinePage>();

        page.FindAll(".timeline-row[data-node]").Select(r => r.GetAttribute("data-node")).Should().Equal("gpu-01", "gpu-02");
        var running = page.Find(".timeline-row[data-node='gpu-01'] a.timeline-bar.running");
        running.GetAttribute("href").Should().Be("jobs/1");
        running.TextContent.Should().Be("resnet (alice)");
        running.GetAttribute("aria-label").Should().Contain("expected to end by Sat 16:00 UTC");
        var estimated = page.Find(".timeline-row[data-node='gpu-01'] a.timeline-bar.estimated");
        estimated.GetAttribute("href").Should().Be("jobs/3");
        estimated.GetAttribute("aria-label").Should().Contain("estimated to start at Sat 16:00 UTC");
        var foreign = page.Find(".timeline-row[data-node='gpu-02'] .timeline-bar.running");
        foreign.TagName.Should().Be("SPAN", "alice may not open an nlp job");
        foreign.TextContent.Should().Be("nlp job");
        page.Markup.Should().NotContain("bert");
        page.FindAll("#timeline-zoom a").Select(a => a.GetAttribute("data-span")).Should().Equal("6h", "24h", "3d", "7d");
        page.Find("#timeline-zoom a[aria-current='page']").GetAttribute("data-span").Should().Be("24h");
        page.FindAll("#timeline-list > li").Should().HaveCount(2, "the phone list has the same nodes");
    }

    [Fact]
    public void The_span_in_the_address_zooms_and_a_live_update_adds_a_started_job()
    {
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 2).Update(version: 1));
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo(navigation.GetUriWithQueryParameter("span", "7d"));
        var page = Render<TimelinePage>();

        page.Find("#timeline-range").TextContent.Should().Contain("for week");
        page.FindAll(".timeline-bar").Should().BeEmpty();

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 2).Run("gpu-01", [1], "vision", owner: "alice", walltime: TimeSpan.FromHours(24.5)).Update(version: 2));

        page.WaitForAssertion(() => page.FindAll(".timeline-bar.running").Should().ContainSingle()
            .Which.GetAttribute("style").Should().Contain("width: 14.286%"), Patience);
    }

    [Fact]
    public void Now_moves_along_on_the_clock_without_an_update()
    {
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 1).Run("gpu-01", [0], "vision", owner: "alice", walltime: TimeSpan.FromHours(12.5)).Update());
        var page = Render<TimelinePage>();
        page.Find(".timeline-bar.running").GetAttribute("style").Should().Contain("width: 50%");

        clock.Advance(TimeSpan.FromHours(6));

        page.WaitForAssertion(() => page.Find(".timeline-bar.running").GetAttribute("style").Should().Contain("width: 25%"), Patience);
        page.Find("#timeline-range").TextContent.Should().Contain("Sat 20:00 UTC");
    }

    [Fact]
    public void At_a_thousand_nodes_the_timeline_draws_one_row_per_GPU_model()
    {
        Feed.Publish(new TestCluster().Nodes(1_000, gpus: 8).Run("node-0001", [0], "vision").Update());

        var page = Render<TimelinePage>();

        page.FindAll(".timeline-row[data-node]").Should().BeEmpty();
        var group = page.Find(".timeline-group");
        group.GetAttribute("data-group").Should().Be("A100-80GB");
        group.TextContent.Should().Contain("1000 nodes, 8000 GPUs");
        group.QuerySelectorAll(".timeline-cell").Should().HaveCount(TimelineView.Slices);
    }
}
