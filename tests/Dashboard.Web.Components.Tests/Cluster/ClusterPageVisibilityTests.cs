using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Cluster;

/// <summary>
/// The visibility rule on the Cluster page: a tile's hover card, aria-label and title name a job and its owner only
/// to those who may open the job (its owner, a lead of its team, an admin); everyone else reads the team that holds
/// the GPU and for how long, and neither the name nor the owner appears anywhere in the page's markup.
/// </summary>
public sealed class ClusterPageVisibilityTests : ComponentTest
{
    private const string SecretName = "nlp-secret-run";

    public static TheoryData<string, UserRole, string, bool> Viewers() => new()
    {
        { "alice", UserRole.Member, "vision", false },
        { "carol", UserRole.Member, "nlp", false },
        { "bob", UserRole.Member, "nlp", true },
        { "lead", UserRole.TeamLead, "vision", false },
        { "nlp-lead", UserRole.TeamLead, "nlp", true },
        { "admin", UserRole.Admin, "", true },
    };

    [Theory]
    [MemberData(nameof(Viewers))]
    public void A_tile_names_its_job_and_owner_only_to_those_who_may_open_the_job(string name, UserRole role, string team, bool sees)
    {
        SignInAs(new SignedInUser(name, role, team.Length == 0 ? [] : [team]));
        Feed.Publish(new TestCluster().Team("nlp").Node("gpu-01", gpus: 2)
            .Run("gpu-01", [1], "nlp", owner: "bob", walltime: TimeSpan.FromHours(1), name: SecretName).Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        var tile = page.Find(".gpu-tile.allocated[data-gpu='1']");
        var label = tile.GetAttribute("aria-label")!;
        var card = tile.ParentElement!.QuerySelector(".gpu-hover-card")!.TextContent;
        label.Should().Contain("since 2026-11-28 13:30 UTC").And.Contain("expected end 2026-11-28 14:30 UTC");
        card.Should().Contain("Since 2026-11-28 13:30 UTC");
        if (sees)
        {
            label.Should().Contain(SecretName).And.Contain("bob (nlp)");
            card.Should().Contain($"Job #1 {SecretName}").And.Contain("Owner bob (nlp)");
        }
        else
        {
            label.Should().Contain("a job of team nlp");
            card.Should().Contain("Job #1 of team nlp");
            page.Markup.Should().NotContain(SecretName).And.NotContain("bob", "neither the name nor the owner reaches the browser");
        }
    }

    [Theory]
    [InlineData("alice", UserRole.Member, false)]
    [InlineData("admin", UserRole.Admin, true)]
    public void The_heat_map_follows_the_same_rule(string name, UserRole role, bool sees)
    {
        SignInAs(new SignedInUser(name, role, role == UserRole.Admin ? [] : ["vision"]));
        Feed.Publish(new TestCluster().Team("nlp").Nodes(ClusterView.CompactAbove + 1)
            .Run("node-0001", [0], "nlp", owner: "bob", name: SecretName).Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        var title = page.Find(".heat-row[data-node='node-0001'] .heat-cell.allocated").GetAttribute("title")!;
        if (sees)
        {
            title.Should().Contain(SecretName).And.Contain("bob (nlp)");
        }
        else
        {
            title.Should().Contain("a job of team nlp");
            page.Markup.Should().NotContain(SecretName).And.NotContain("bob");
        }
    }

    [Fact]
    public void A_borrowed_GPU_is_striped_says_so_and_the_legend_explains_the_stripes()
    {
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2)
            .Run("gpu-01", [0], "vision").Run("gpu-01", [1], "vision", borrowing: true).Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        var borrowed = page.Find(".gpu-tile[data-gpu='1']");
        borrowed.ClassList.Should().Contain("borrowed");
        borrowed.GetAttribute("style").Should().Contain(TileStyle.BorrowedStripes);
        borrowed.GetAttribute("aria-label").Should().Contain("borrowed (preemptible)");
        borrowed.ParentElement!.QuerySelector(".gpu-hover-card")!.TextContent.Should().Contain("Borrowed: preemptible");
        var guaranteed = page.Find(".gpu-tile[data-gpu='0']");
        guaranteed.ClassList.Should().NotContain("borrowed");
        guaranteed.GetAttribute("style").Should().NotContain("gradient");
        var legend = page.Find("#legend-borrowed");
        legend.TextContent.Should().Contain("borrowed GPUs (preemptible)");
        legend.QuerySelector(".team-swatch")!.GetAttribute("style").Should().Contain(TileStyle.BorrowedStripes);
    }

    [Fact]
    public void Without_borrowed_GPUs_the_legend_has_no_stripes_entry()
    {
        Feed.Publish(new TestCluster().Team("vision").Node("gpu-01", gpus: 2).Run("gpu-01", [0], "vision").Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        page.FindAll("#legend-borrowed").Should().BeEmpty();
    }

    [Fact]
    public void A_draining_node_with_nothing_left_on_it_shows_drained()
    {
        Feed.Publish(new TestCluster()
            .Node("empty", state: NodeState.Draining)
            .Node("busy", state: NodeState.Draining)
            .Node("cpu-busy", gpus: 0, state: NodeState.Draining)
            .Run("busy", [0], "vision")
            .Run("cpu-busy", [], "vision")
            .Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        page.Find(".node-card[data-node='empty'] .node-state").TextContent.Should().Contain("Drained");
        page.Find(".node-card[data-node='busy'] .node-state").TextContent.Should().Contain("Draining").And.NotContain("Drained");
        page.Find(".node-card[data-node='cpu-busy'] .node-state").TextContent.Should().Contain("Draining", "a CPU-only job still runs there");
    }
}
