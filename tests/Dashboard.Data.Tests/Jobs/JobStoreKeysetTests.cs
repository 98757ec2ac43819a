using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests.Jobs;

/// <summary>Keyset paging: a cursor continues the list right after the last row it showed, in every sort, whatever is added meanwhile.</summary>
public sealed class JobStoreKeysetTests : StoreTest
{
    private static readonly string[] Names = ["delta", "alpha", "charlie", "bravo", "alpha", "echo"];
    private static readonly string[] Owners = ["ada", "bob", "carol"];
    private static readonly string[] Teams = ["vision", "nlp"];

    private readonly JobStore store;

    public JobStoreKeysetTests()
    {
        store = new JobStore(Database);
    }

    [Theory]
    [MemberData(nameof(JobSorts.All), MemberType = typeof(JobSorts))]
    public void Walking_the_cursors_visits_every_job_once_in_the_order_of_one_big_page(JobSortColumn column, bool descending)
    {
        SubmitMixed(23);
        var whole = Ids(store.Page(new JobQuery(SortBy: column, Descending: descending, PageSize: 100)));
        whole.Should().HaveCount(23);

        var walked = new List<long>();
        var page = store.Page(new JobQuery(SortBy: column, Descending: descending, PageSize: 4));
        walked.AddRange(Ids(page));
        while (page.Next is { } next)
        {
            JobCursor.TryParse(next.Token, out var cursor).Should().BeTrue();
            cursor.Should().Be(next, "a cursor survives its trip through an address");
            page = store.Page(new JobQuery(SortBy: column, Descending: descending, PageSize: 4, After: cursor));
            page.TotalCount.Should().Be(23);
            walked.AddRange(Ids(page));
        }

        walked.Should().Equal(whole);
    }

    [Fact]
    public void Jobs_added_and_started_while_someone_pages_neither_repeat_nor_hide_a_row()
    {
        SubmitMixed(10);
        var first = store.Page(new JobQuery(PageSize: 4));
        Ids(first).Should().Equal(10, 9, 8, 7);

        Submit(11, "new-one", submittedMinutes: 100);
        Submit(12, "new-two", submittedMinutes: 101);
        Ids(store.Page(new JobQuery(PageSize: 4, Offset: 4))).Should().Equal([8L, 7L, 6L, 5L], "an offset shifts when jobs are added");

        var second = store.Page(new JobQuery(PageSize: 4, After: first.Next));
        Ids(second).Should().Equal(6, 5, 4, 3);
        Ids(store.Page(new JobQuery(PageSize: 4, After: second.Next))).Should().Equal(2, 1);
    }

    [Fact]
    public void A_cursor_keeps_the_filters_of_its_query()
    {
        SubmitMixed(18);
        var query = new JobQuery(Team: "nlp", Owner: "bob", SortBy: JobSortColumn.Name, Descending: false, PageSize: 1);
        var whole = Ids(store.Page(query with { PageSize = 50 }));
        var walked = new List<long>();
        for (var page = store.Page(query); page.Items.Count > 0; page = store.Page(query with { After = page.Next }))
        {
            walked.AddRange(Ids(page));
            if (page.Next is null)
            {
                break;
            }
        }

        walked.Should().Equal(whole).And.NotBeEmpty();
    }

    [Fact]
    public void A_cursor_of_another_sort_or_with_an_offset_is_refused()
    {
        SubmitMixed(5);
        var next = store.Page(new JobQuery(SortBy: JobSortColumn.Name, PageSize: 2)).Next!;

        var otherSort = () => store.Page(new JobQuery(SortBy: JobSortColumn.Gpus, After: next));
        otherSort.Should().Throw<ArgumentException>().WithMessage("*the cursor belongs to the list sorted by name desc*");
        var bothWays = () => store.Page(new JobQuery(SortBy: JobSortColumn.Name, Offset: 2, After: next));
        bothWays.Should().Throw<ArgumentException>().WithMessage("*either after a cursor or at an offset*");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("WyJqMSIsIklkIix0cnVlLG51bGwsbnVsbCwtMV0")] // ["j1","Id",true,null,null,-1]
    [InlineData("WyJqMiIsIklkIix0cnVlLG51bGwsbnVsbCw1XQ")] // ["j2","Id",true,null,null,5]
    [InlineData("WyJqMSIsIk5hbWUiLHRydWUsbnVsbCw0LDVd")] // ["j1","Name",true,null,4,5]: a name cursor without a name
    public void A_token_this_server_did_not_hand_out_is_not_read(string token)
    {
        JobCursor.TryParse(token, out var cursor).Should().BeFalse();
        cursor.Should().BeNull();
    }

    [Theory]
    [MemberData(nameof(JobSorts.All), MemberType = typeof(JobSorts))]
    public void Every_cursor_page_walks_its_index_from_the_cursor_without_sorting(JobSortColumn column, bool descending)
    {
        foreach (var after in new[] { new JobCursor(column, descending, TextOf(column), NumberOf(column), 500), new JobCursor(column, descending, null, null, 500) })
        {
            if (!JobCursor.TryParse(after.Token, out _))
            {
                continue; // only started and ended have an empty value
            }

            var plan = store.QueryPlan(new JobQuery(SortBy: column, Descending: descending, After: after));
            var pages = plan.Where(step => step.StartsWith("page: ", StringComparison.Ordinal)).ToList();
            pages.Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), string.Join(" | ", plan));
            pages.Should().OnlyContain(step => step.StartsWith("page: SEARCH j USING", StringComparison.Ordinal), $"a cursor page seeks into its index, never scans from the start ({after}): " + string.Join(" | ", plan));
        }
    }

    private static string? TextOf(JobSortColumn column) =>
        column is JobSortColumn.Name or JobSortColumn.Owner or JobSortColumn.Team or JobSortColumn.State ? "m" : null;

    private static long? NumberOf(JobSortColumn column) =>
        column is JobSortColumn.Submitted or JobSortColumn.Started or JobSortColumn.Ended or JobSortColumn.Gpus ? 1_000 : null;

    /// <summary>Jobs with repeated names, owners, teams and GPU counts, some started, some ended, so every sort has ties and empty values.</summary>
    private void SubmitMixed(int count)
    {
        for (var id = 1; id <= count; id++)
        {
            Submit(id, Names[id % Names.Length], Owners[id % Owners.Length], Teams[id % Teams.Length], gpus: id % 3, submittedMinutes: id % 4);
            if (id % 3 != 0)
            {
                Start(id, minutes: 10 + (id % 5));
            }

            if (id % 3 == 1)
            {
                End(id, id % 2 == 0 ? JobState.Succeeded : JobState.Failed, minutes: 30 + (id % 4));
            }
        }
    }

    private static List<long> Ids(JobPage page) => [.. page.Items.Select(j => j.Job.Id.Value)];

    private void Submit(long id, string name, string owner = "ada", string team = "vision", int gpus = 1, int submittedMinutes = 0)
    {
        var spec = new JobSpec(name, owner, team, "python train.py", new ResourceRequest(gpus, 4_000, 16 * 1024));
        Writer.Write([new JobSubmitted(new Job(new JobId(id), spec, Now.AddMinutes(submittedMinutes)))]);
    }

    private void Start(long id, int minutes) =>
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Pending, JobState.Running, Now.AddMinutes(minutes))]);

    private void End(long id, JobState state, int minutes) =>
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Running, state, Now.AddMinutes(minutes))]);
}
