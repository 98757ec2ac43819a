using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using MudBlazor;
using Dashboard.Web.Admin;

namespace Dashboard.Web.Components.Tests.Admin;

public sealed class AdminNodesPageTests : ComponentTest
{

    public AdminNodesPageTests()
    {
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
    }

    [Fact]
    public void Lists_every_node_with_state_reason_gpus_and_running_jobs()
    {
        AdminCommands.StoredReasons["gpu-02"] = "fan replacement";
        Feed.Publish(new TestCluster().Node("gpu-01").Node("gpu-02", state: NodeState.Draining)
            .Run("gpu-01", [0, 1], "vision", owner: "alice", name: "resnet").Update());

        var (page, _) = RenderPage();

        page.FindAll("[data-node]").Select(r => r.GetAttribute("data-node")).Should().Equal("gpu-01", "gpu-02");
        Cell(page, "gpu-01", "state").Should().Be("Ready");
        Cell(page, "gpu-01", "gpus").Should().Be("2/8");
        Cell(page, "gpu-01", "jobs").Should().Be("1 resnet (alice, vision)");
        Cell(page, "gpu-02", "state").Should().Be("Draining");
        Cell(page, "gpu-02", "reason").Should().Be("fan replacement");
        page.Find("[data-node='gpu-01'] [data-action='drain']").HasAttribute("disabled").Should().BeFalse();
        page.Find("[data-node='gpu-02'] [data-action='drain']").HasAttribute("disabled").Should().BeTrue("a draining node cannot be drained again");
        page.Find("[data-node='gpu-01'] [data-action='resume']").HasAttribute("disabled").Should().BeTrue("a ready node has nothing to resume");
    }

    [Fact]
    public async Task Drain_asks_for_a_reason_and_sends_it_as_the_signed_in_admin()
    {
        Feed.Publish(new TestCluster().Node("gpu-01").Update());
        var (page, dialogs) = RenderPage();

        await Click(page, "[data-node='gpu-01'] [data-action='drain']");
        dialogs.WaitForAssertion(() => dialogs.Find("#node-action-consequence").TextContent.Should().Contain("Running jobs finish normally; nothing new is placed"), Patience);
        await Click(dialogs, "#confirm-node-action");

        dialogs.WaitForAssertion(() => dialogs.Find("#node-reason-error").TextContent.Should().StartWith("Say why"), Patience);
        AdminCommands.NodeChangesSent.Should().BeEmpty("a drain without a reason is not sent");

        await Type(dialogs, "#node-reason", "  driver update ");
        await Click(dialogs, "#confirm-node-action");

        page.WaitForAssertion(() => AdminCommands.NodeChangesSent.Should().Equal(("gpu-01", NodeState.Draining, "driver update", "root")), Patience);
    }

    [Fact]
    public async Task Mark_down_says_running_jobs_keep_running_and_a_refusal_shows_as_a_snackbar()
    {
        var snackbars = Render<MudSnackbarProvider>();
        Feed.Publish(new TestCluster().Node("gpu-01").Run("gpu-01", [0], "vision").Update());
        var (page, dialogs) = RenderPage();
        AdminCommands.Answer = CommandResult.NotFound("there is no node named gpu-01");

        await Click(page, "[data-node='gpu-01'] [data-action='down']");
        dialogs.WaitForAssertion(() => dialogs.Find("#node-action-consequence").TextContent.Should().Contain("Its running jobs are not stopped"), Patience);
        await Type(dialogs, "#node-reason", "PSU failed");
        await Click(dialogs, "#confirm-node-action");

        page.WaitForAssertion(() => AdminCommands.NodeChangesSent.Should().Equal(("gpu-01", NodeState.Down, "PSU failed", "root")), Patience);
        snackbars.WaitForAssertion(() => snackbars.Markup.Should().Contain("gpu-01: mark down refused: there is no node named gpu-01."), Patience);
    }

    [Fact]
    public async Task Resume_needs_no_reason_and_the_page_follows_the_feed()
    {
        Feed.Publish(new TestCluster().Node("gpu-01", state: NodeState.Down).Update(version: 1));
        var (page, dialogs) = RenderPage();

        await Click(page, "[data-node='gpu-01'] [data-action='resume']");
        dialogs.WaitForAssertion(() => dialogs.Find("#confirm-node-action"), Patience);
        dialogs.FindAll("#node-reason").Should().BeEmpty();
        await Click(dialogs, "#confirm-node-action");
        page.WaitForAssertion(() => AdminCommands.NodeChangesSent.Should().Equal(("gpu-01", NodeState.Ready, (string?)null, "root")), Patience);

        var ready = new TestCluster().Node("gpu-01").Update(version: 2);
        Feed.Publish(ready with { Events = [new NodeChangedEvent(ready.Snapshot.Nodes[0], "back from repair", TestCluster.Now)] });

        page.WaitForAssertion(() =>
        {
            Cell(page, "gpu-01", "state").Should().Be("Ready");
            Cell(page, "gpu-01", "reason").Should().Be("back from repair");
        }, Patience);
    }

    private (IRenderedComponent<AdminNodesPage> Page, IRenderedComponent<MudDialogProvider> Dialogs) RenderPage()
    {
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        return (Render<AdminNodesPage>(), dialogs);
    }

    private static string Cell(IRenderedComponent<AdminNodesPage> page, string node, string field) =>
        page.Find($"[data-node='{node}'] [data-field='{field}']").TextContent.Trim();
}
