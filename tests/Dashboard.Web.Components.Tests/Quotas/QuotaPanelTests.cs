using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using MudBlazor;
using Dashboard.Web.Cluster;
using Dashboard.Web.Quotas;

namespace Dashboard.Web.Components.Tests.Quotas;

public sealed class QuotaPanelTests : ComponentTest
{
    [Fact]
    public void A_team_leads_cluster_page_shows_every_team_and_follows_a_quota_change_live()
    {
        SignInAs(new SignedInUser("lena", UserRole.TeamLead, ["nlp"]));
        Feed.Publish(new TestCluster().Team("vision", nominalGpus: 8).Team("nlp", nominalGpus: 4).Node("gpu-01")
            .Run("gpu-01", [0, 1, 2], "vision").Update(version: 1));
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        page.FindAll("#quota-panel [data-team]").Select(r => r.GetAttribute("data-team")).Should().Equal("nlp", "vision");
        Field(page, "vision", "nominal").Should().Be("8");
        Field(page, "vision", "used").Should().Be("3");

        Feed.Publish(new TestCluster().Team("vision", nominalGpus: 2).Team("nlp", nominalGpus: 4).Node("gpu-01")
            .Run("gpu-01", [0, 1, 2], "vision", borrowing: true).Update(version: 2));

        page.WaitForAssertion(() =>
        {
            Field(page, "vision", "nominal").Should().Be("2");
            Field(page, "vision", "borrowed").Should().Be("1");
            Field(page, "nlp", "lent").Should().Be("1");
        }, Patience);
    }

    [Fact]
    public void A_member_sees_only_their_teams_on_the_quotas_page()
    {
        SignInAs(new SignedInUser("alice", UserRole.Member, ["vision"]));
        Feed.Publish(new TestCluster().Team("vision").Team("nlp").Node("gpu-01").Update());
        Render<MudPopoverProvider>();

        var page = Render<QuotasPage>();

        page.FindAll("#quota-page-table [data-team]").Select(r => r.GetAttribute("data-team")).Should().Equal("vision");
        page.FindAll("#quota-page-table .mud-progress-linear").Should().NotBeEmpty("GPUs, CPU and memory show as bars");
    }

    private static string Field(IRenderedComponent<ClusterPage> page, string team, string field) =>
        page.Find($"#quota-panel [data-team='{team}'] [data-field='{field}']").TextContent;
}
