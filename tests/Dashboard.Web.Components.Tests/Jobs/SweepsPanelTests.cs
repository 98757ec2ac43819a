using Dashboard.Data.JobControl;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Components.Tests.Jobs;

public sealed class SweepsPanelTests : JobsTest
{
    [Fact]
    public async Task A_sweep_is_one_row_with_its_progress_that_opens_to_its_jobs_and_acts_on_all_of_them()
    {
        SubmitSweep(1, "grid", 3);
        Start(Job(1, "grid[0]"), Node("gpu-01"), 0);
        End(new JobId(1), JobState.Succeeded, 0, null);
        Start(Job(2, "grid[1]"), Node("gpu-01"), 1);
        End(new JobId(2), JobState.Failed, 3, "exited with code 3");

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => page.Find(".sweep-row[data-sweep-id='1'] .sweep-progress").TextContent.Should().Be("1/3 done, 1 failed, 1 waiting"), Patience);
        page.Find(".sweep-row[data-sweep-id='1'] .sweep-name").TextContent.Should().Be("grid · sweep #1 · ada/vision");
        ClickWhenReady(page, ".sweep-row[data-sweep-id='1'] .mud-expand-panel-header");
        page.WaitForAssertion(() => page.FindAll(".sweep-row[data-sweep-id='1'] tr.sweep-job").Select(r => r.GetAttribute("data-job-id")).Should().Equal("1", "2", "3"), Patience);

        ClickWhenReady(page, "[data-sweep-action='resubmit-failed']");
        var resubmit = await NextCommandAsync();
        resubmit.Should().BeOfType<SubmitJobCommand>().Which.Spec.Name.Should().Be("grid[1]", "only the failed job is submitted again");
        resubmit.Completion!.SetResult(CommandResult.Accepted(new JobId(4)));
        SnackbarHost.WaitForAssertion(() => Snackbars.Should().Contain("Sweep 1: 1 failed job of sweep 1 resubmitted as 4."), Patience);

        ClickWhenReady(page, "[data-sweep-action='hold']");
        var hold = await NextCommandAsync();
        hold.Should().BeEquivalentTo(new { Sweep = 1L, Action = SweepAction.Hold, Actor = CurrentUserName });
        hold.Completion!.SetResult(CommandResult.Done("1 job of sweep 1 held"));
        SnackbarHost.WaitForAssertion(() => Snackbars.Should().Contain("Sweep 1: 1 job of sweep 1 held."), Patience);

        ClickWhenReady(page, "[data-sweep-action='cancel']");
        ClickWhenReady(Dialogs, ".mud-message-box__yes-button, .mud-dialog-actions button:last-child");
        var cancel = await NextCommandAsync();
        cancel.Should().BeEquivalentTo(new { Sweep = 1L, Action = SweepAction.Cancel });
        cancel.Completion!.SetResult(CommandResult.Done("1 job of sweep 1 cancelled"));
        SnackbarHost.WaitForAssertion(() => Snackbars.Should().Contain("Sweep 1: 1 job of sweep 1 cancelled."), Patience);
    }

    [Fact]
    public void Another_members_sweep_is_not_listed_for_a_member()
    {
        SignInAs(new Dashboard.Web.Identity.SignedInUser(CurrentUserName, Dashboard.Data.Users.UserRole.Member, ["vision"]));
        SubmitSweep(1, "bobs-grid", 2, owner: "bob");
        SubmitSweep(3, "mine", 1);

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => page.FindAll(".sweep-row").Select(r => r.GetAttribute("data-sweep-id")).Should().Equal("3"), Patience);
    }

    private void SubmitSweep(long first, string name, int size, string owner = CurrentUserName)
    {
        var jobs = Enumerable.Range(0, size).Select(i => Job(first + i, $"{name}[{i}]", owner: owner)).ToArray();
        Submit(jobs);
        Writer.Write([
            new SweepCreated(new SweepTally(first, name, owner, "vision", size, null), "seed=[...]", Now),
            .. jobs.Select((j, i) => new SweepJobAdded(j.Id, new SweepMember(first, i), "{}")),
        ]);
    }
}
