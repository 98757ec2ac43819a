using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Commands;

/// <summary>The role matrix of hold, release and submit-after, through the one door, against the real engine.</summary>
public sealed class JobControlCommandsTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);
    private static readonly SignedInUser Carol = new("carol", UserRole.Member, ["vision"]);
    private static readonly SignedInUser Bob = new("bob", UserRole.Member, ["nlp"]);
    private static readonly SignedInUser VisionLead = new("lead", UserRole.TeamLead, ["vision"]);
    private static readonly SignedInUser Admin = new("admin", UserRole.Admin, []);

    private ClusterCommands Door => factory.Services.GetRequiredService<ClusterCommands>();

    private JobStore Jobs => factory.Services.GetRequiredService<JobStore>();

    /// <summary>A job that waits (it depends on a job that runs for an hour), so it can be held.</summary>
    private async Task<(JobId Waiting, JobId Running)> WaitingJobOf(SignedInUser user, string team)
    {
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var first = await Door.SubmitAsync(user, Spec(team));
        first.Succeeded.Should().BeTrue(first.Reason);
        var after = await Door.SendAsync(user, new SubmitJobAfter(Spec(team), [new DependencyTerm(first.Job!.Value, DependencyRule.AfterOk)]));
        after.Succeeded.Should().BeTrue(after.Reason);
        return (after.Job!.Value, first.Job!.Value);
    }

    private static JobSpec Spec(string team) =>
        new("control", "ignored", team, "sleep 3600", new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromHours(2));

    [Fact]
    public async Task The_owner_the_team_lead_and_an_admin_may_hold_and_release_others_may_not()
    {
        var (job, _) = await WaitingJobOf(Alice, "vision");

        (await Door.HoldAsync(Carol, Jobs, job)).Outcome.Should().Be(CommandOutcome.Forbidden);
        (await Door.HoldAsync(Bob, Jobs, job)).Reason.Should().Be($"Only its owner (alice), a lead of team vision or an admin can hold job {job}.");
        (await Door.SendAsync(Alice, new HoldJob(job, HoldAuthority.Admin))).Outcome.Should().Be(CommandOutcome.Forbidden, "a member cannot claim an admin's authority");

        foreach (var person in new[] { Alice, VisionLead, Admin })
        {
            (await Door.HoldAsync(person, Jobs, job)).Succeeded.Should().BeTrue(person.Name);
            (await Door.ReleaseAsync(person, Jobs, job)).Succeeded.Should().BeTrue(person.Name);
        }

        (await Door.HoldAsync(Admin, Jobs, new JobId(999_999))).Outcome.Should().Be(CommandOutcome.NotFound);
    }

    [Fact]
    public async Task A_hold_is_released_only_with_at_least_its_authority()
    {
        var (job, _) = await WaitingJobOf(Alice, "vision");

        (await Door.HoldAsync(VisionLead, Jobs, job)).Succeeded.Should().BeTrue();
        var byOwner = await Door.ReleaseAsync(Alice, Jobs, job);
        byOwner.Outcome.Should().Be(CommandOutcome.Forbidden);
        byOwner.Reason.Should().Be($"job {job} is held by team lead lead; its owner cannot release it");

        (await Door.HoldAsync(Admin, Jobs, job)).Succeeded.Should().BeTrue();
        (await Door.ReleaseAsync(VisionLead, Jobs, job)).Reason.Should().Be($"job {job} is held by admin admin; only an admin can release it");
        (await Door.ReleaseAsync(Admin, Jobs, job)).Succeeded.Should().BeTrue();
        (await Door.ReleaseAsync(Admin, Jobs, job)).Reason.Should().Be($"job {job} is not held");
    }

    [Fact]
    public async Task A_submit_may_wait_only_for_jobs_its_sender_may_see()
    {
        var (bobs, _) = await WaitingJobOf(Bob, "nlp");

        var refused = await Door.SendAsync(Alice, new SubmitJobAfter(Spec("vision"), [new DependencyTerm(bobs, DependencyRule.AfterAny)]));
        var unknown = await Door.SendAsync(Alice, new SubmitJobAfter(Spec("vision"), [new DependencyTerm(new JobId(999_999), DependencyRule.AfterOk)]));

        refused.Outcome.Should().Be(CommandOutcome.Invalid);
        refused.Errors.Should().ContainSingle().Which.Should().Be(new FieldError("after", $"job {bobs} does not exist or is not one you may see; a job can wait only for jobs you can see"));
        unknown.Reason.Should().Be("job 999999 does not exist or is not one you may see; a job can wait only for jobs you can see");
        (await Door.SendAsync(Admin, new SubmitJobAfter(Spec("vision"), [new DependencyTerm(bobs, DependencyRule.AfterAny)]))).Succeeded.Should().BeTrue("an admin sees every job");
    }
}
