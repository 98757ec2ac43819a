using System.Collections.Concurrent;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Tests.Jobs;

public sealed class JobsSearchAndSelectionTests : JobsTest
{
    public JobsSearchAndSelectionTests()
        : base(services => services.AddSingleton<JobBrowser, CountingJobBrowser>())
    {
    }

    private CountingJobBrowser Reads => (CountingJobBrowser)Services.GetRequiredService<JobBrowser>();

    [Fact]
    public async Task A_burst_of_keystrokes_searches_once_after_the_pause()
    {
        Submit(Job(1, "train-resnet"), Job(2, "train-bert"), Job(3, "resnet-eval"));
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().Equal(3, 2, 1), Patience);
        var before = Reads.Queries.Count;

        foreach (var typed in new[] { "r", "re", "res", "resn", "resne", "resnet" })
        {
            await page.InvokeAsync(() => page.Find("#text-filter").Input(typed));
            Time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Reads.Queries.Count.Should().Be(before, "nothing is searched while the person is still typing");
        RowIds(page).Should().Equal(3, 2, 1);
        Time.Advance(JobsPage.SearchPause - TimeSpan.FromMilliseconds(100));

        page.WaitForAssertion(() => RowIds(page).Should().Equal(3, 1), Patience);
        Reads.Queries.Skip(before).Select(q => q.Text).Should().Equal(["resnet"], "a burst of six keystrokes makes one query");
        new Uri(Services.GetRequiredService<NavigationManager>().Uri).Query.Should().Contain("text=resnet");
        page.Find("#text-filter").GetAttribute("value").Should().Be("resnet");
    }

    [Fact]
    public async Task A_search_with_a_control_character_is_refused_in_its_field_and_the_list_keeps_its_filter()
    {
        Submit(Job(1, "train-resnet"), Job(2, "train-bert"));
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().Equal(2, 1), Patience);
        var before = Reads.Queries.Count;

        await page.InvokeAsync(() => page.Find("#text-filter").Input("res\0net"));
        Time.Advance(JobsPage.SearchPause);

        page.WaitForAssertion(() => page.Markup.Should().Contain("text must not contain control or invisible formatting characters"), Patience);
        Reads.Queries.Count.Should().Be(before, "a text no job can hold is not searched");
        RowIds(page).Should().Equal(2, 1);
        new Uri(Services.GetRequiredService<NavigationManager>().Uri).Query.Should().NotContain("text=");

        await page.InvokeAsync(() => page.Find("#text-filter").Input("bert"));
        Time.Advance(JobsPage.SearchPause);
        page.WaitForAssertion(() => RowIds(page).Should().Equal(2), Patience);
        page.Markup.Should().NotContain("must not contain control");
    }

    [Fact]
    public async Task Several_selected_jobs_are_cancelled_together_each_through_the_door_with_one_answer_per_job()
    {
        Submit(Job(4, "a"), Job(7, "b"), Job(9, "c"), Job(12, "bobs", owner: "bob", team: "speech"), Job(13, "ended"));
        Start(Job(13, "ended"), Node("gpu-01"), 0);
        End(new JobId(13), JobState.Succeeded, 0, null);
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().Equal(13, 9, 7, 4), Patience);
        page.FindAll("input[data-select-job='13']").Should().BeEmpty("an ended job cannot be cancelled, so it cannot be selected");
        page.FindAll("#cancel-selected").Should().BeEmpty("nothing is selected yet");

        foreach (var job in new[] { 4, 7, 9 })
        {
            await page.InvokeAsync(() => page.Find($"input[data-select-job='{job}']").Change(true));
        }

        page.WaitForAssertion(() => page.Find("#selection-count").TextContent.Should().Be("3 jobs selected"), Patience);
        ClickWhenReady(page, "#cancel-selected");
        Dialogs.WaitForAssertion(() => Dialogs.Find("#cancel-job-prompt").TextContent.Should()
            .Be("Cancel 3 jobs (#4, #7, #9)? Running ones are stopped and their resources released; waiting ones leave the queue."), Patience);
        Dialogs.Find("#confirm-cancel").TextContent.Should().Be("Cancel 3 jobs");
        ClickWhenReady(Dialogs, "#confirm-cancel");

        var sent = new List<CancelJobCommand>();
        for (var i = 0; i < 3; i++)
        {
            var command = (CancelJobCommand)await NextCommandAsync();
            sent.Add(command);
            command.Completion!.SetResult(command.Job.Value == 9 ? CommandResult.Conflict("job 9 is not pending or running") : CommandResult.Done());
        }

        sent.Select(c => c.Job.Value).Should().BeEquivalentTo([4L, 7L, 9L]);
        sent.Should().OnlyContain(c => c.Actor == CurrentUserName);
        SnackbarHost.WaitForAssertion(() => Snackbars.Should().Equal("2 cancelled, 1 refused: job 9 is not pending or running"), Patience);
        page.WaitForAssertion(() => page.FindAll("#cancel-selected").Should().BeEmpty("the selection is cleared once it has been acted on"), Patience);
    }

    [Fact]
    public async Task The_next_page_starts_after_the_last_row_shown_so_it_stays_put_while_jobs_are_added()
    {
        Submit([.. Enumerable.Range(1, 30).Select(i => Job(i, $"job-{i:D2}", minutesAgo: i))]);
        var page = Render<JobsPage>();
        page.WaitForAssertion(() => RowIds(page).Should().HaveCount(JobQuery.DefaultPageSize).And.StartWith([30L, 29L]), Patience);

        var grid = page.FindComponent<MudBlazor.MudDataGrid<JobListRow>>();
        await page.InvokeAsync(() => grid.Instance.NavigateTo(MudBlazor.Page.Next));
        page.WaitForAssertion(() => RowIds(page).Should().Equal(5, 4, 3, 2, 1), Patience);
        Reads.Queries[^1].After.Should().Be(new JobCursor(JobSortColumn.Id, true, null, null, 6), "page two is read after the last row of page one");

        Submit(Job(31, "new-one"), Job(32, "new-two"));
        Publish([Node("gpu-01")], events: [new Dashboard.Engine.Feed.JobStateChangedEvent(new JobId(32), CurrentUserName, "vision", JobState.Pending, JobState.Pending, "submitted", Now)]);

        page.WaitForAssertion(() => page.Markup.Should().Contain("26-32 of 32"), Patience);
        RowIds(page).Should().Equal([5L, 4L, 3L, 2L, 1L], "an offset would have shifted two rows of page one onto page two");
        await page.InvokeAsync(() => grid.Instance.NavigateTo(MudBlazor.Page.First));
        page.WaitForAssertion(() => RowIds(page).Should().StartWith([32L, 31L, 30L]), Patience);
        Reads.Queries[^1].After.Should().BeNull("the first page starts at the top");
    }

    private static List<long> RowIds(IRenderedComponent<JobsPage> page) =>
        [.. page.FindAll("tr.job-row .job-link").Select(a => long.Parse(a.GetAttribute("data-job-id")!, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The real browser, remembering every list query the page makes.</summary>
    private sealed class CountingJobBrowser(JobStore jobs, AllocationStore allocations) : JobBrowser(jobs, allocations)
    {
        private readonly ConcurrentQueue<JobQuery> queries = new();

        public IReadOnlyList<JobQuery> Queries => [.. queries];

        public override Task<JobPage> PageAsync(JobQuery query, CancellationToken cancellationToken = default)
        {
            queries.Enqueue(query);
            return base.PageAsync(query, cancellationToken);
        }
    }
}
