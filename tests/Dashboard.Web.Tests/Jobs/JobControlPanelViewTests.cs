using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Tests.Jobs;

public sealed class JobControlPanelViewTests
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);
    private static readonly SignedInUser Lead = new("lead", UserRole.TeamLead, ["vision"]);
    private static readonly SignedInUser Admin = new("admin", UserRole.Admin, []);
    private static readonly SignedInUser Bob = new("bob", UserRole.Member, ["nlp"]);

    private static JobRecord Waiting() => new(
        new Job(new JobId(5), new JobSpec("train", "alice", "vision", "true", new ResourceRequest(1, 1000, 1024)), DateTimeOffset.UnixEpoch),
        JobState.Pending, null, null, null, null);

    [Fact]
    public void A_waiting_job_offers_hold_to_those_who_may_act_and_nothing_to_others()
    {
        JobControlPanelView.Of(Waiting(), null, null, Alice).Should().Be(new JobControlPanelView(null, null, null, CanHold: true, CanRelease: false, CanEdit: true));
        JobControlPanelView.Of(Waiting(), null, null, Bob).Should().BeNull();
    }

    [Fact]
    public void An_admins_hold_offers_release_only_to_admins_and_says_who_held_it()
    {
        var facts = new JobControlFacts(new JobHold("admin", HoldAuthority.Admin), [new DependencyTerm(new JobId(4), DependencyRule.AfterOk)], null, null);

        var owner = JobControlPanelView.Of(Waiting(), facts, null, Alice)!;
        var lead = JobControlPanelView.Of(Waiting(), facts, null, Lead)!;
        var admin = JobControlPanelView.Of(Waiting(), facts, null, Admin)!;

        owner.HoldText.Should().Be("held by admin admin; only an admin can release it");
        owner.After.Should().Be("Runs after job 4 succeeds");
        (owner.CanRelease, owner.CanHold).Should().Be((false, false));
        (lead.CanRelease, lead.CanHold).Should().Be((false, false));
        (admin.CanRelease, admin.CanHold).Should().Be((true, false));
    }

    [Fact]
    public void A_lead_may_raise_an_owners_hold_to_a_leads()
    {
        var facts = new JobControlFacts(new JobHold("alice", HoldAuthority.Owner), [], null, null);

        var lead = JobControlPanelView.Of(Waiting(), facts, null, Lead)!;

        (lead.CanHold, lead.CanRelease).Should().Be((true, true));
    }

    [Fact]
    public void A_running_or_ended_job_offers_requeue_not_edit_and_says_which_attempt_it_is()
    {
        var running = Waiting() with { State = JobState.Running };
        var ended = Waiting() with { State = JobState.Failed };

        var onRunning = JobControlPanelView.Of(running, null, null, Lead, attempts: 2)!;
        var onEnded = JobControlPanelView.Of(ended, null, null, Alice)!;

        (onRunning.CanEdit, onRunning.CanRequeue, onRunning.CanHold, onRunning.Attempt).Should().Be((false, true, false, "attempt 2"));
        (onEnded.CanEdit, onEnded.CanRequeue, onEnded.Attempt).Should().Be((false, true, null));
        JobControlPanelView.Of(ended, null, null, Bob).Should().BeNull();
    }

    [Fact]
    public void A_session_is_neither_edited_nor_requeued()
    {
        var session = Waiting() with { Job = Waiting().Job with { Spec = Waiting().Job.Spec with { Session = new SessionRequest("jupyter") } } };

        var view = JobControlPanelView.Of(session, null, null, Alice)!;

        (view.CanEdit, view.CanRequeue).Should().Be((false, false));
    }
}
