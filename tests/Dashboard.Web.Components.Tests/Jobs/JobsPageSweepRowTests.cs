using Dashboard.Data.JobControl;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Tests.Jobs;

/// <summary>The Jobs grid folds a sweep into one row with its progress, which opens to its jobs and the whole-sweep actions.</summary>
public sealed class JobsPageSweepRowTests : JobsTest
{
    [Fact]
    public async Task A_sweep_is_one_row_with_its_progress_that_opens_to_its_jobs_and_acts_on_all_of_them()
    {
        Submit(Job(10, "alone"));
        SubmitSweep(1, "grid", 3);
        Start(Job(1, "grid[0]"), Node("gpu-01"), 0);
        End(new JobId(1), JobState.Succeeded, 0, null);
        Start(Job(2, "grid[1]"), Node("gpu-01"), 1);
        End(new JobId(2), JobState.Failed, 3, "exited with code 3");

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => page.Find("tr.sweep-row .sweep-progress").TextContent.Should().Be("1/3 done, 1 failed, 1 waiting"), Patience);
        RowIds(page).Should().Equal(new long[] { 10, 1 }, "the sweep's three jobs are one row, not three");
        page.FindAll("tr.sweep-row").Should().ContainSingle();
        page.Find(".sweep-name[data-sweep-id='1']").TextContent.Trim().Should().Be("grid · sweep #1 of 3 jobs");
        page.FindAll("tr.sweep-row .select-job").Should().BeEmpty("a sweep is cancelled with its own action, not ticked");
        ClickWhenReady(page, ".sweep-name[data-sweep-id='1'] button");
        page.WaitForAssertion(() => page.FindAll(".sweep-details[data-sweep-id='1'] tr.sweep-job").Select(r => r.GetAttribute("data-job-id")).Should().Equal("1", "2", "3"), Patience);
        page.Find(".sweep-name[data-sweep-id='1'] button").GetAttribute("aria-expanded").Should().Be("true");
        page.Find(".sweep-details .sweep-list-link").GetAttribute("href").Should().Be("jobs?mine=false&sweep=1");

        ClickWhenReady(page, "[data-sweep-action='resubmit-failed']");
        var resubmit = await NextCommandAsync();
        var retry = resubmit.Should().BeOfType<ResubmitSweepJobsCommand>().Subject;
        retry.Jobs.Select(j => (j.Failed.Value, j.Index, j.Spec.Name)).Should().Equal([(2L, 1, "grid[1]")], "only the failed job is submitted again, at its index");
        retry.StoredSweep.Should().BeEquivalentTo(new { Id = 1L, Size = 3, Succeeded = 1, Failed = 1 });
        resubmit.Completion!.SetResult(new CommandResult(CommandOutcome.Accepted, new JobId(4), "1 failed job of sweep 1 resubmitted as 4", []));
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
    public void The_sweep_row_honours_the_state_and_text_filters_by_its_jobs_and_its_own_filter_lists_them()
    {
        Submit(Job(10, "alone"));
        SubmitSweep(1, "grid", 3);
        Start(Job(2, "grid[1]"), Node("gpu-01"), 1);
        End(new JobId(2), JobState.Failed, 3, "exited with code 3");
        var navigation = Services.GetRequiredService<NavigationManager>();

        navigation.NavigateTo("jobs?state=Failed");
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().Equal(new long[] { 1 }, "job 2 failed, so its sweep is listed"), Patience);
        page.FindAll("tr.sweep-row").Should().ContainSingle();

        navigation.NavigateTo("jobs?state=Succeeded");
        page.WaitForAssertion(() => page.FindAll("#jobs-empty").Should().ContainSingle(), Patience);

        navigation.NavigateTo("jobs?text=alone");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(10), Patience);

        navigation.NavigateTo("jobs?mine=false&sweep=1");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(new long[] { 3, 2, 1 }, "a sweep's own list shows its jobs one by one"), Patience);
        page.FindAll("tr.sweep-row").Should().BeEmpty();
        page.Find("#sweep-filter").TextContent.Should().Contain("sweep #1");
    }

    [Fact]
    public void Another_members_sweep_is_not_listed_for_a_member()
    {
        SignInAs(new Dashboard.Web.Identity.SignedInUser(CurrentUserName, Dashboard.Data.Users.UserRole.Member, ["vision"]));
        SubmitSweep(1, "bobs-grid", 2, owner: "bob");
        SubmitSweep(3, "mine", 1);
        Services.GetRequiredService<NavigationManager>().NavigateTo("jobs?mine=false");

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => page.FindAll(".sweep-name").Select(r => r.GetAttribute("data-sweep-id")).Should().Equal("3"), Patience);
        RowIds(page).Should().Equal(3);
    }

    private static List<long> RowIds(IRenderedComponent<JobsPage> page) =>
        [.. page.FindAll("tr.job-row .job-link").Select(a => long.Parse(a.GetAttribute("data-job-id")!, System.Globalization.CultureInfo.InvariantCulture))];

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
