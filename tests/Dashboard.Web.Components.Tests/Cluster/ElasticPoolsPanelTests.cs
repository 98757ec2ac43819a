using System.Collections.Immutable;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using MudBlazor;
using Dashboard.Web.Admin;
using Dashboard.Web.Cluster;

namespace Dashboard.Web.Components.Tests.Cluster;

/// <summary>The Cluster page with an elastic pool: a provisioning node says why, the pool says what it does, admins may pause it.</summary>
public sealed class ElasticPoolsPanelTests : ComponentTest
{
    private const string Reason = "scaling up 2 x 8-GPU nodes for 11 pending jobs";
    private static readonly DateTimeOffset At = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_provisioning_node_shows_its_state_pool_and_reason_and_the_pool_what_it_is_doing()
    {
        Feed.Publish(Update(paused: false));
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        var card = page.Find(".node-card[data-node='burst-1']");
        card.QuerySelector(".node-state")!.TextContent.Should().Contain("Provisioning");
        card.QuerySelector(".node-pool")!.TextContent.Should().Contain("pool burst");
        card.QuerySelector(".node-note")!.TextContent.Should().Be(Reason);
        page.Find(".node-card[data-node='gpu-01']").QuerySelector(".node-note").Should().BeNull();
        var pool = page.Find("#elastic-pools .elastic-pool[data-pool='burst']");
        pool.QuerySelector(".pool-activity")!.TextContent.Should().Be(Reason);
        pool.QuerySelector(".pool-counts")!.TextContent.Should().Be("0 in service, 2 provisioning (min 0, max 4)");
        pool.QuerySelector(".pool-error")!.TextContent.Should().Be("Provider error: zone eu-1 is busy");
        page.FindAll("[data-action='pause-pool']").Should().BeEmpty("only admins may pause a pool");
        pool.QuerySelectorAll(".pool-history .pool-action").Select(a => (a.GetAttribute("data-kind"), a.TextContent)).Should().Equal(
            ("scale-up", $"2026-11-28 09:00:30 UTC · scale-up burst-1, burst-2 · system: {Reason}"),
            ("resume", "2026-11-28 09:00:00 UTC · resume · root: resumed by root"));
    }

    [Fact]
    public async Task An_admin_pauses_and_resumes_a_pool_as_themselves()
    {
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
        Feed.Publish(Update(paused: false));
        Render<MudPopoverProvider>();
        var page = Render<ClusterPage>();

        await Click(page, "[data-action='pause-pool']");

        PoolCommands.Sent.Should().Equal(("burst", true, "root"));
        Feed.Publish(Update(paused: true, version: 2));
        page.WaitForAssertion(() => page.Find(".elastic-pool[data-pool='burst'] .pool-paused").TextContent.Should().Be("paused"), Patience);
        await Click(page, "[data-action='resume-pool']");
        PoolCommands.Sent.Should().Equal(("burst", true, "root"), ("burst", false, "root"));
    }

    [Fact]
    public void The_nodes_page_has_the_same_toggle_and_keeps_admins_from_resuming_a_node_its_pool_provisions()
    {
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
        Feed.Publish(Update(paused: false));
        Render<MudPopoverProvider>();

        var page = Render<AdminNodesPage>();

        page.FindAll("#elastic-pools [data-action='pause-pool']").Should().ContainSingle();
        var row = page.Find("tr[data-node='burst-1']");
        row.QuerySelector("[data-field='state']")!.TextContent.Should().Be("Provisioning");
        row.QuerySelector("[data-action='resume']")!.HasAttribute("disabled").Should().BeTrue();
        row.QuerySelector("[data-action='down']")!.HasAttribute("disabled").Should().BeTrue();
    }

    [Fact]
    public void A_node_being_handed_back_and_a_failed_node_show_their_state_and_why()
    {
        const string idle = "idle for 5 min; handed back to pool burst";
        const string failed = "provisioning failed after 3 attempts: no capacity in zone eu-1";
        var update = Update(paused: false);
        var snapshot = update.Snapshot with
        {
            Nodes = [.. update.Snapshot.Nodes.Select(n => n.Name switch
            {
                "burst-1" => n with { State = NodeState.Releasing },
                "burst-2" => n with { State = NodeState.Failed },
                _ => n,
            })],
        };
        var pool = update.ElasticPools[0] with
        {
            Provisioning = 0, Releasing = 1, Failed = 1,
            NodeNotes = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", idle), KeyValuePair.Create("burst-2", failed)]),
        };
        Feed.Publish(update with { Snapshot = snapshot, Summary = ClusterSummary.Of(snapshot), ElasticPools = [pool] });
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        var releasing = page.Find(".node-card[data-node='burst-1']");
        releasing.QuerySelector(".node-state")!.TextContent.Should().Contain("Releasing");
        releasing.QuerySelector(".node-note")!.TextContent.Should().Be(idle);
        var broken = page.Find(".node-card[data-node='burst-2']");
        broken.QuerySelector(".node-state")!.TextContent.Should().Contain("Failed");
        broken.QuerySelector(".node-note")!.TextContent.Should().Be(failed);
        page.Find(".elastic-pool[data-pool='burst'] .pool-counts").TextContent.Should().Be("0 in service, 1 being handed back, 1 failed (min 0, max 4)");
    }

    [Fact]
    public void Without_pools_there_is_no_panel()
    {
        Feed.Publish(new TestCluster().Node("gpu-01").Update());
        Render<MudPopoverProvider>();

        Render<ClusterPage>().FindAll("#elastic-pools").Should().BeEmpty();
    }

    private static ClusterUpdate Update(bool paused, long version = 1)
    {
        var update = new TestCluster().Node("gpu-01").Update(version);
        var shape = new Scheduling.Elastic.ElasticNodeShape(8, "A100-80GB", 81_920, 64_000, 512 * 1024);
        var nodes = update.Snapshot.Nodes
            .Add(shape.ToNode("burst-1", NodeState.Provisioning, simulated: true, "burst"))
            .Add(shape.ToNode("burst-2", NodeState.Provisioning, simulated: true, "burst"));
        var snapshot = update.Snapshot with { Nodes = nodes };
        var status = new ElasticPoolStatus("burst", "simulated", "8 × A100-80GB, 64 cores, 512 GiB", 0, 4, 0, 2, 0, 0, paused,
            paused ? "scaling paused by an admin" : Reason, "zone eu-1 is busy",
            ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("burst-1", Reason), KeyValuePair.Create("burst-2", Reason)]))
        {
            RecentActions =
            [
                new ScaleAction(At.AddSeconds(30), "burst", ScaleActionKind.ScaleUp, "system", ["burst-1", "burst-2"], Reason),
                new ScaleAction(At, "burst", ScaleActionKind.Resume, "root", [], "resumed by root"),
            ],
        };
        return update with { Snapshot = snapshot, Summary = ClusterSummary.Of(snapshot), ElasticPools = [status] };
    }
}
