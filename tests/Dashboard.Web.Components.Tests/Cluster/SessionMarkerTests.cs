using Dashboard.Data.Users;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Cluster;

/// <summary>A session's GPU tiles on the Cluster page say it is a session: an icon, and the tile's accessible label.</summary>
public sealed class SessionMarkerTests : ComponentTest
{
    [Fact]
    public void A_sessions_tiles_carry_the_marker_and_say_interactive_session_and_a_batch_jobs_do_not()
    {
        Feed.Publish(new TestCluster()
            .Node("gpu-01", gpus: 3)
            .Run("gpu-01", [0, 1], "vision", owner: "alice", walltime: TimeSpan.FromHours(1), name: "notebook", session: "jupyter")
            .Run("gpu-01", [2], "vision", owner: "alice", walltime: TimeSpan.FromHours(1), name: "train")
            .Update());
        Render<MudPopoverProvider>();

        var page = Render<ClusterPage>();

        var sessionTiles = page.FindAll(".gpu-tile[data-session='true']");
        sessionTiles.Select(t => t.GetAttribute("data-gpu")).Should().Equal("0", "1");
        sessionTiles.Should().OnlyContain(t => t.QuerySelector(".gpu-session") != null, "each of the session's tiles shows the icon");
        sessionTiles[0].GetAttribute("aria-label").Should().StartWith("GPU 0 (A100-80GB): interactive session 1 \"notebook\", alice (vision)");
        sessionTiles[0].ParentElement!.QuerySelector(".gpu-hover-card")!.TextContent.Should().Contain("Interactive session");

        var batch = page.Find(".gpu-tile[data-gpu='2']");
        batch.HasAttribute("data-session").Should().BeFalse();
        batch.QuerySelector(".gpu-session").Should().BeNull();
        batch.GetAttribute("aria-label").Should().StartWith("GPU 2 (A100-80GB): job 2 \"train\"");
    }

    [Fact]
    public void Someone_who_may_not_see_the_session_still_hears_that_a_session_of_its_team_holds_the_GPU()
    {
        SignInAs(new SignedInUser("carol", UserRole.Member, ["nlp"]));
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 1).Run("gpu-01", [0], "vision", owner: "alice", walltime: TimeSpan.FromHours(1), name: "notebook", session: "jupyter").Update());
        Render<MudPopoverProvider>();

        var tile = Render<ClusterPage>().Find(".gpu-tile[data-gpu='0']");

        tile.GetAttribute("aria-label").Should().StartWith("GPU 0 (A100-80GB): an interactive session of team vision").And.NotContain("notebook");
        tile.QuerySelector(".gpu-session").Should().NotBeNull();
    }
}
