using Dashboard.Data.Jobs;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Jobs;

public sealed class JobsPageTests : JobsTest
{
    [Fact]
    public void Shows_the_current_users_jobs_by_default_with_state_chips_and_links()
    {
        Submit(Job(1, "train-resnet"), Job(2, "bobs-job", owner: "bob"), Job(3, "eval"));
        Start(Job(3, "eval"), Node("gpu-01"), 0);

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => RowIds(page).Should().Equal(3, 1), Patience);
        page.Find("#my-jobs").HasAttribute("checked").Should().BeTrue();
        page.Find("[data-job-id='3']").GetAttribute("href").Should().Be("jobs/3");
        page.Find("tr.job-row:has([data-job-id='3']) .job-state").GetAttribute("data-state").Should().Be("Running");
        page.Find("tr.job-row:has([data-job-id='1']) .job-state").GetAttribute("data-state").Should().Be("Pending");
        page.Find("#owner-filter").GetAttribute("value").Should().Be(CurrentUserName);

        // The grid may draw its rows again (its data reload, a live update) between the find and the click: the click
        // is retried on the row as it is drawn now, until it opens the job.
        page.WaitForAssertion(() =>
        {
            page.Find("tr.job-row:has([data-job-id='1']) td.job-owner").Click();
            Services.GetRequiredService<NavigationManager>().Uri.Should().EndWith("/jobs/1", "a click on a row opens the job");
        }, Patience);

        page.Find("#my-jobs").Change(false);

        page.WaitForAssertion(() => RowIds(page).Should().Equal(3, 2, 1), Patience);
    }

    [Fact]
    public void Each_row_shows_how_long_the_job_ran_and_its_exit_code_with_dates_on_one_line()
    {
        Submit(Job(1, "failed-run"), Job(2, "still-running"), Job(3, "waiting"));
        Start(Job(1, "failed-run"), Node("gpu-01"), 0);
        End(new JobId(1), JobState.Failed, 3, "exited with code 3");
        Start(Job(2, "still-running"), Node("gpu-01"), 1);

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => RowIds(page).Should().Equal(3, 2, 1), Patience);
        Cell(page, 1, "job-duration").Should().Be("25m", "it started 30 minutes ago and ended 5 minutes ago");
        Cell(page, 1, "job-exit-code").Should().Be("3");
        Cell(page, 2, "job-duration").Should().Be("30m", "a running job's duration runs to now");
        Cell(page, 2, "job-exit-code").Should().BeEmpty();
        Cell(page, 3, "job-duration").Should().BeEmpty("it has not started");
        page.Find("tr.job-row:has([data-job-id='1']) td.job-submitted").GetAttribute("style").Should().Contain("white-space: nowrap");
    }

    private static string Cell(IRenderedComponent<JobsPage> page, long job, string column) =>
        page.Find($"tr.job-row:has([data-job-id='{job}']) td.{column}").TextContent.Trim();

    [Fact]
    public async Task The_filters_live_in_the_address_so_a_link_reproduces_the_view()
    {
        Submit(
            Job(1, "train-resnet", team: "vision"),
            Job(2, "train-bert", team: "nlp"),
            Job(3, "resnet-eval", owner: "bob", team: "vision"));
        Start(Job(3, "resnet-eval", owner: "bob", team: "vision"), Node("gpu-01"), 1);
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("jobs?mine=false&state=Running&team=vision");

        var page = Render<JobsPage>();

        page.WaitForAssertion(() => RowIds(page).Should().Equal(3), Patience);
        page.Find("#my-jobs").HasAttribute("checked").Should().BeFalse();
        page.Find("#team-filter").GetAttribute("value").Should().Be("vision");

        await Change(page, "#team-filter", "nlp");
        page.WaitForAssertion(() => RowIds(page).Should().BeEmpty(), Patience);
        new Uri(navigation.Uri).Query.Should().Contain("team=nlp").And.Contain("state=Running").And.Contain("mine=false");

        await Click(page, "#state-filter-Running");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(2), Patience);
        new Uri(navigation.Uri).Query.Should().NotContain("state=", "a filter back at its default leaves the address");

        navigation.NavigateTo("jobs?state=NoSuchState");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(2, 1), Patience);
        page.Find("#my-jobs").HasAttribute("checked").Should().BeTrue("an address with a bad value shows the default view");
    }

    [Fact]
    public async Task Text_team_owner_and_state_filters_narrow_the_rows()
    {
        Submit(
            Job(1, "train-resnet", team: "vision"),
            Job(2, "train-bert", team: "nlp"),
            Job(3, "resnet-eval", owner: "bob", team: "vision"),
            Job(4, "other", command: "python resnet_100%.py", team: "vision"));
        Start(Job(4, "other"), Node("gpu-01"), 1);
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4, 2, 1), Patience);

        // Each filter reloads the rows asynchronously, and the reload renders the filters again (new event handler
        // ids): a filter is found and changed in one step on the renderer's thread, after the previous reload ended.
        await SearchAsync(page, "resnet");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4, 1), Patience);

        await SearchAsync(page, "100%");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4), Patience);

        await SearchAsync(page, "");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4, 2, 1), Patience);
        await Change(page, "#team-filter", "nlp");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(2), Patience);

        await Change(page, "#team-filter", "");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4, 2, 1), Patience);
        await Change(page, "#my-jobs", false);
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4, 3, 2, 1), Patience);
        await Change(page, "#owner-filter", "bob");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(3), Patience);

        await Change(page, "#owner-filter", "");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4, 3, 2, 1), Patience);
        await Click(page, "#state-filter-Running");
        page.WaitForAssertion(() => RowIds(page).Should().Equal(4), Patience);
    }

    [Fact]
    public void Pages_and_sorts_on_the_server()
    {
        Submit([.. Enumerable.Range(1, 30).Select(i => Job(i, $"job-{i:D2}", minutesAgo: i))]);
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().HaveCount(JobQuery.DefaultPageSize).And.StartWith([30L, 29L]), Patience);

        page.Markup.Should().Contain("1-25 of 30");

        var grid = page.FindComponent<MudDataGrid<JobListRow>>();
        page.InvokeAsync(() => grid.Instance.NavigateTo(MudBlazor.Page.Next));
        page.WaitForAssertion(() => RowIds(page).Should().Equal(5, 4, 3, 2, 1), Patience);
        page.Markup.Should().Contain("26-30 of 30");

        page.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(JobListRow.Submitted), SortDirection.Descending, r => r.Submitted));
        page.WaitForAssertion(() => RowIds(page).Should().Equal(26, 27, 28, 29, 30), Patience);
        page.InvokeAsync(() => grid.Instance.SetSortAsync(nameof(JobListRow.Name), SortDirection.Descending, r => r.Name));
        page.WaitForAssertion(() => RowIds(page).Should().Equal(5, 4, 3, 2, 1), Patience);
        page.InvokeAsync(() => grid.Instance.NavigateTo(MudBlazor.Page.First));
        page.WaitForAssertion(() => RowIds(page).Should().StartWith([30L, 29L, 28L]).And.HaveCount(JobQuery.DefaultPageSize), Patience);
    }

    [Fact]
    public void A_job_event_from_the_engine_reloads_the_rows()
    {
        Submit(Job(1));
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().Equal(1), Patience);

        Submit(Job(2, "new-one"));
        Publish([Node("gpu-01")], events: [new JobStateChangedEvent(new JobId(2), CurrentUserName, "vision", JobState.Pending, JobState.Pending, "submitted", Now)]);

        page.WaitForAssertion(() => RowIds(page).Should().Equal(2, 1), Patience);
    }

    [Fact]
    public async Task Confirming_the_dialog_sends_the_cancel_for_that_job_as_the_current_user()
    {
        var job = Job(42, "train-resnet", gpus: 2);
        Submit(job, Job(43, "other"));
        var running = Start(job, Node("demo-gpu-01", simulated: true), 0, 1);
        Publish([Node("demo-gpu-01", simulated: true)], running: [running]);
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => page.FindAll("[data-action='cancel']").Should().HaveCount(2), Patience);

        ClickWhenReady(page, "[data-action='cancel'][data-job-id='42']");
        Dialogs.WaitForAssertion(() => Dialogs.Find("#cancel-job-prompt").TextContent.Should()
            .Be("Cancel job 42 'train-resnet'? It is running on demo-gpu-01; its GPUs are released."), Patience);
        ClickWhenReady(Dialogs, "#confirm-cancel");

        var command = await NextCommandAsync();
        command.Should().BeOfType<CancelJobCommand>().Which.Should().BeEquivalentTo(new { Job = new JobId(42), Actor = CurrentUserName });
        command.Completion!.SetResult(CommandResult.Stopping());
        SnackbarHost.WaitForAssertion(() => Snackbars.Should().Contain("Job 42 is stopping; its resources are released when it has ended."), Patience);
        Inbox.Reader.TryRead(out _).Should().BeFalse("one confirmation sends one cancel");
    }

    [Fact]
    public void Keeping_the_job_sends_nothing()
    {
        Submit(Job(7, "keep-me"));
        var page = Render<JobsPage>();
        ClickWhenReady(page, "[data-action='cancel'][data-job-id='7']");
        Dialogs.WaitForAssertion(() => Dialogs.Find("#cancel-job-prompt").TextContent.Should().Be("Cancel job 7 'keep-me'? It has not started; it leaves the queue."), Patience);
        Dialogs.Find("#keep-job").TextContent.Should().Be("Keep it queued");
        ClickWhenReady(Dialogs, "#keep-job");

        Dialogs.WaitForAssertion(() => Dialogs.FindAll("#cancel-job-prompt").Should().BeEmpty(), Patience);
        Inbox.Reader.TryRead(out _).Should().BeFalse();
        Snackbars.Should().BeEmpty();
    }

    [Fact]
    public async Task A_refused_cancel_shows_the_engines_reason()
    {
        Submit(Job(9, "gone"));
        var page = Render<JobsPage>();
        ClickWhenReady(page, "[data-action='cancel'][data-job-id='9']");
        ClickWhenReady(Dialogs, "#confirm-cancel");

        var command = await NextCommandAsync();
        command.Completion!.SetResult(CommandResult.Conflict("job 9 is not pending or running"));

        SnackbarHost.WaitForAssertion(() => Snackbars.Should().Equal("Job 9 was not cancelled: job 9 is not pending or running"), Patience);
    }

    private static List<long> RowIds(IRenderedComponent<JobsPage> page) =>
        [.. page.FindAll("tr.job-row .job-link").Select(a => long.Parse(a.GetAttribute("data-job-id")!, System.Globalization.CultureInfo.InvariantCulture))];
}
