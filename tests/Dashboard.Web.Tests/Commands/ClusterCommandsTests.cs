using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Commands;

/// <summary>Who may submit and cancel what, through the one door every path uses, against the real engine.</summary>
public sealed class ClusterCommandsTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);
    private static readonly SignedInUser Carol = new("carol", UserRole.Member, ["vision"]);
    private static readonly SignedInUser Bob = new("bob", UserRole.Member, ["nlp"]);
    private static readonly SignedInUser VisionLead = new("lead", UserRole.TeamLead, ["vision"]);
    private static readonly SignedInUser Admin = new("admin", UserRole.Admin, []);

    private ClusterCommands Commands => factory.Services.GetRequiredService<ClusterCommands>();

    private async Task<JobId> Submitted(SignedInUser user, string team)
    {
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var result = await Commands.SubmitAsync(user, Spec(team, owner: "someone-else"));
        result.Succeeded.Should().BeTrue(result.Reason);
        return result.Job!.Value;
    }

    private static JobSpec Spec(string team, string owner) =>
        new("matrix", owner, team, "python train.py", new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromHours(1));

    private JobState StateOf(JobId id) =>
        factory.Services.GetRequiredService<Dashboard.Data.Jobs.JobStore>().Find(id)!.State;

    [Fact]
    public async Task A_submit_is_owned_by_the_person_who_sent_it_and_only_to_their_own_teams()
    {
        var job = await Submitted(Alice, "vision");
        factory.Services.GetRequiredService<Dashboard.Data.Jobs.JobStore>().Find(job)!.Job.Spec.Owner.Should().Be("alice", "the owner is the signed-in user, whatever the form said");

        var refused = await Commands.SubmitAsync(Alice, Spec("nlp", "alice"));
        refused.Succeeded.Should().BeFalse();
        refused.Errors.Should().ContainSingle(e => e.Field == "team").Which.Message.Should().Be("You are not a member of team nlp: you can submit to vision.");

        (await Commands.SubmitAsync(Admin, Spec("nlp", "admin"))).Succeeded.Should().BeTrue("an admin submits to any team");
    }

    [Fact]
    public async Task A_member_cannot_cancel_another_members_job_but_its_owner_its_team_lead_and_an_admin_can()
    {
        var alices = await Submitted(Alice, "vision");
        var refused = await Commands.CancelAsync(Carol, alices);
        refused.Succeeded.Should().BeFalse();
        refused.Reason.Should().Be($"Only its owner (alice), a lead of team vision or an admin can cancel job {alices}.");
        (await Commands.CancelAsync(Bob, alices)).Succeeded.Should().BeFalse();
        StateOf(alices).Should().Be(JobState.Running, "a refused cancel changes nothing");

        (await Commands.CancelAsync(Alice, alices)).Succeeded.Should().BeTrue();

        var another = await Submitted(Alice, "vision");
        (await Commands.CancelAsync(VisionLead, another)).Succeeded.Should().BeTrue("the lead of vision cancels vision's jobs");

        var bobs = await Submitted(Bob, "nlp");
        (await Commands.CancelAsync(VisionLead, bobs)).Succeeded.Should().BeFalse("the lead of vision has no say over nlp");
        (await Commands.CancelAsync(Admin, bobs)).Succeeded.Should().BeTrue();

        (await Commands.CancelAsync(Admin, new JobId(999_999))).Reason.Should().Be("Job 999999 does not exist.");
    }
}
