using Dashboard.Data.Users;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Cluster;

/// <summary>
/// The heat map's rows are shared HTML texts (HeatRowMarkup): what people named (jobs, owners, teams) stays text, never
/// markup, and viewers who may read the same allocations share one text, so a circuit holds a reference, not a copy.
/// </summary>
public sealed class HeatRowMarkupTests : ComponentTest
{
    private const string Sneaky = "<img src=x onerror=alert(1)> \"quoted\" & more";

    [Fact]
    public void A_name_with_markup_in_it_is_shown_as_text_in_the_title()
    {
        SignInAs(new SignedInUser("admin", UserRole.Admin, []));
        Feed.Publish(new TestCluster().Team("nlp").Nodes(ClusterView.CompactAbove + 1)
            .Run("node-0001", [2], "nlp", owner: "bob", name: Sneaky).Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        var row = page.Find(".heat-row[data-node='node-0001']");
        row.QuerySelectorAll("img").Should().BeEmpty("a job's name is text, never markup");
        var cells = row.QuerySelectorAll(".heat-cell");
        cells.Select(c => c.ClassList.Contains("allocated")).Should().Equal(false, false, true, false, false, false, false, false);
        cells[2].GetAttribute("title").Should().Contain($"\"{Sneaky}\", bob (nlp)");
        cells[2].GetAttribute("data-team").Should().Be("nlp");
        cells[2].GetAttribute("style").Should().StartWith("background-color: #");
        cells[0].GetAttribute("title").Should().EndWith(": free");
        row.QuerySelector(".heat-name")!.TextContent.Should().Be("node-0001");
        row.QuerySelector(".heat-name")!.ClassList.Should().Contain("ready");
    }

    [Fact]
    public void Viewers_who_may_read_the_same_allocations_share_one_row_text_and_others_get_their_own()
    {
        var view = ClusterView.From(new TestCluster().Team("nlp").Team("vision").Nodes(ClusterView.CompactAbove + 1)
            .Run("node-0001", [0], "nlp", owner: "bob", name: "nlp-run")
            .Run("node-0001", [1], "vision", owner: "alice", name: "vision-run").Update(), before: null);
        var node = view.Nodes[0];
        var admin = new SignedInUser("admin", UserRole.Admin, []);
        var otherAdmin = new SignedInUser("root", UserRole.Admin, []);
        var visionMember = new SignedInUser("alice", UserRole.Member, ["vision"]);
        var outsider = new SignedInUser("carol", UserRole.Member, ["audio"]);

        node.HeatRow(otherAdmin).Value.Should().BeSameAs(node.HeatRow(admin).Value, "both read every allocation");
        node.HeatRow(visionMember).Value.Should().Contain("vision-run").And.NotContain("nlp-run");
        node.HeatRow(outsider).Value.Should().NotContain("vision-run").And.NotContain("nlp-run");
        node.HeatRow(new SignedInUser("vision-lead", UserRole.TeamLead, ["vision"])).Value.Should().BeSameAs(node.HeatRow(visionMember).Value,
            "a lead of vision reads the same allocation as its owner");
        node.HeatRow(null).Value.Should().BeSameAs(node.HeatRow(outsider).Value, "nobody signed in reads no allocation");
    }
}
