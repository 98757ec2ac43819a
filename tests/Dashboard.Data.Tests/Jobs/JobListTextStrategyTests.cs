using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests.Jobs;

/// <summary>
/// The list finds a text two ways: a rare one through the full-text index (then sorted), a common one by testing each
/// row the sort's index brings. Both must list the same jobs in the same order, with the same count, on every filter,
/// sort and page; and a count stops at its limit and says "more than".
/// </summary>
public sealed class JobListTextStrategyTests : StoreTest
{
    private static readonly string[] Names = ["train-resnet", "eval-bert", "sweep-vit", "Finetune-ÉCOLE", "prep", "résumé-parse"];
    private static readonly string[] Commands = ["python train.py --lr 3e-4", "python eval.py", "bash sweep.sh", "torchrun ft.py", "make data", "python parse.py"];
    private static readonly string[] Owners = ["ada", "bob", "carol"];
    private static readonly string[] Teams = ["vision", "nlp"];

    /// <summary>Reads through the index for every text (no text is ever "common").</summary>
    private readonly JobStore throughIndex;

    /// <summary>Tests every row for every text (every text is "common").</summary>
    private readonly JobStore rowByRow;

    public JobListTextStrategyTests()
    {
        throughIndex = new JobStore(Database) { CommonTextMatches = int.MaxValue };
        rowByRow = new JobStore(Database) { CommonTextMatches = 1 };
    }

    public static TheoryData<string> Texts() => ["resnet", "RESNET", "sweep", "py", "école", "ÉCOLE", "RÉSUMÉ", "train.py", "nothing-like-this", "7", "#7", "12", "--lr 3e-4", "\"quoted\" AND x"];

    [Theory]
    [MemberData(nameof(Texts))]
    public void Both_ways_list_the_same_jobs_in_the_same_order_on_every_sort_filter_and_page(string text)
    {
        // Half the jobs in the text index, half still waiting for it (db/0019); then all of them indexed.
        SubmitMixed(20);
        Writer.IndexJobText();
        SubmitMixed(40, first: 21);
        Writer.JobTextWaiting.Should().Be(20);
        ListsEveryJobThatHolds(text);

        Writer.IndexJobText();
        ListsEveryJobThatHolds(text);
    }

    private void ListsEveryJobThatHolds(string text)
    {
        var filters = new JobQuery[]
        {
            new(Text: text),
            new(Text: text, Descending: false),
            new(Text: text, Team: "vision", States: new HashSet<JobState> { JobState.Running }),
            new(Text: text, SortBy: JobSortColumn.Ended),
            new(Text: text, SortBy: JobSortColumn.Ended, Descending: false),
            new(Text: text, SortBy: JobSortColumn.Name, Team: "nlp"),
            new(Text: text, Owner: "bob", States: new HashSet<JobState> { JobState.Failed, JobState.Succeeded }),
            new(Text: text, VisibleTo: new JobVisibility("carol", ["vision"]), SortBy: JobSortColumn.Submitted),
            new(Text: text, FoldSweeps: true),
        };

        foreach (var filter in filters)
        {
            // The reference: every job the other filters list, in the list's order, kept when it holds the text.
            var trimmed = text.Trim();
            var isId = long.TryParse(trimmed.TrimStart('#'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id);
            var expected = throughIndex.Page(filter with { Text = null, PageSize = 500 }).Items
                .Where(j => JobTextMatch.Holds(j.Job.Spec.Name, j.Job.Spec.Command, trimmed) || (isId && j.Job.Id.Value == id))
                .Select(j => j.Job.Id.Value).ToList();
            foreach (var store in new[] { throughIndex, rowByRow })
            {
                Walk(store, filter).Should().Equal(expected, $"text '{text}' with {filter}");
                store.Page(filter).TotalCount.Should().Be(expected.Count, $"text '{text}' with {filter}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(JobSorts.All), MemberType = typeof(JobSorts))]
    public void Walking_the_sort_index_past_the_filters_lists_what_the_filter_indexes_list(JobSortColumn column, bool descending)
    {
        SubmitMixed(40);
        var filters = new JobQuery[]
        {
            new(Team: "nlp"),
            new(Owner: "bob", States: new HashSet<JobState> { JobState.Failed, JobState.Succeeded }),
            new(States: new HashSet<JobState> { JobState.Running }),
            new(VisibleTo: new JobVisibility("carol", ["vision"])),
            new(Team: "vision", FoldSweeps: true),
        };

        foreach (var filter in filters.Select(f => f with { SortBy = column, Descending = descending }))
        {
            Walk(rowByRow, filter).Should().Equal(Walk(throughIndex, filter), filter.ToString());
        }
    }

    [Fact]
    public void Many_passing_jobs_sorted_by_another_column_walk_that_columns_index()
    {
        var plan = rowByRow.QueryPlan(new JobQuery(Team: "speech", SortBy: JobSortColumn.Submitted, Descending: false), walkSortIndex: true);

        plan.Should().Contain(step => step.StartsWith("page: SCAN j USING INDEX jobs_by_submitted", StringComparison.Ordinal), string.Join(" | ", plan));
        plan.Should().NotContain(step => step.StartsWith("page:", StringComparison.Ordinal) && step.Contains("TEMP B-TREE", StringComparison.Ordinal), string.Join(" | ", plan));
    }

    [Fact]
    public void Case_is_ignored_beyond_ascii_as_the_full_text_index_ignores_it()
    {
        SubmitMixed(12);

        var upper = Ids(throughIndex.Page(new JobQuery(Text: "ÉCOLE", PageSize: 100)));
        upper.Should().NotBeEmpty().And.Equal(Ids(throughIndex.Page(new JobQuery(Text: "école", PageSize: 100))));
        Ids(rowByRow.Page(new JobQuery(Text: "école", PageSize: 100))).Should().Equal(upper);
    }

    [Fact]
    public void A_count_stops_at_its_limit_and_says_more_than_while_the_cursor_still_reaches_every_job()
    {
        SubmitMixed(30);
        var capped = new JobStore(Database) { CountLimit = 10 };

        var first = capped.Page(new JobQuery(PageSize: 4));
        first.TotalCount.Should().Be(10);
        first.TotalIsLowerBound.Should().BeTrue("30 jobs match and the count stops at 10");

        var walked = Ids(first);
        var page = first;
        while (page.Next is { } next)
        {
            page = capped.Page(new JobQuery(PageSize: 4, After: next));
            walked.AddRange(Ids(page));
        }

        walked.Should().HaveCount(30).And.OnlyHaveUniqueItems();
        var few = capped.Page(new JobQuery(Owner: "ada", Team: "vision"));
        few.TotalCount.Should().Be(Ids(capped.Page(new JobQuery(Owner: "ada", Team: "vision", PageSize: 100))).Count);
        few.TotalIsLowerBound.Should().BeFalse("5 jobs are under the limit: the count is exact");
        new JobStore(Database) { TextCountLimit = 10, CommonTextMatches = 1 }.Page(new JobQuery(Text: "py")).TotalIsLowerBound.Should().BeTrue();
        new JobStore(Database) { TextCountLimit = 10, CommonTextMatches = 1 }.Page(new JobQuery(Text: "python")).TotalCount.Should().Be(10);
        new JobStore(Database) { TextCountLimit = 10 }.Page(new JobQuery(Text: "python", SortBy: JobSortColumn.Name)).TotalCount.Should().Be(10, "a text's count stops at its own limit whichever way the text is found");
        capped.Page(new JobQuery(Text: "python")).TotalIsLowerBound.Should().BeFalse("the text's limit is 1,000 by default");
    }

    [Fact]
    public void A_common_text_walks_the_sort_index_and_counts_through_the_full_text_index()
    {
        var plan = rowByRow.QueryPlan(new JobQuery(Text: "sweep", SortBy: JobSortColumn.Ended), scanText: true);

        plan.Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), string.Join(" | ", plan));
        plan.Should().Contain(step => step.StartsWith("page: SCAN j USING INDEX jobs_by_ended", StringComparison.Ordinal), string.Join(" | ", plan));
        plan.Should().Contain(step => step.StartsWith("count: SCAN jobs_text VIRTUAL TABLE INDEX", StringComparison.Ordinal), string.Join(" | ", plan));
    }

    [Fact]
    public void Sorted_by_id_a_text_walks_the_full_text_index_in_id_order_without_sorting()
    {
        foreach (var descending in new[] { true, false })
        {
            var first = throughIndex.QueryPlan(new JobQuery(Text: "sweep", Descending: descending));
            var next = throughIndex.QueryPlan(new JobQuery(Text: "sweep", Descending: descending, After: new JobCursor(JobSortColumn.Id, descending, null, null, 40)));

            foreach (var plan in new[] { first, next })
            {
                plan.Should().Contain(step => step.StartsWith("page: SCAN jobs_text VIRTUAL TABLE INDEX", StringComparison.Ordinal), string.Join(" | ", plan));
                plan.Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), string.Join(" | ", plan));
            }
        }
    }

    [Fact]
    public void An_owner_and_state_filter_is_one_range_of_one_index()
    {
        var plan = throughIndex.QueryPlan(new JobQuery(Owner: "carol", States: new HashSet<JobState> { JobState.Failed }));

        plan.Should().Contain(step => step.Contains("jobs_by_owner_state", StringComparison.Ordinal), string.Join(" | ", plan));
        plan.Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), string.Join(" | ", plan));
    }

    private static List<long> Walk(JobStore store, JobQuery query)
    {
        var page = store.Page(query with { PageSize = 3 });
        var walked = Ids(page);
        while (page.Next is { } next)
        {
            page = store.Page(query with { PageSize = 3, After = next });
            walked.AddRange(Ids(page));
        }

        return walked;
    }

    private static List<long> Ids(JobPage page) => [.. page.Items.Select(j => j.Job.Id.Value)];

    private void SubmitMixed(int count, int first = 1)
    {
        for (var id = first; id <= count; id++)
        {
            var spec = new JobSpec(Names[id % Names.Length] + "-" + id, Owners[id % Owners.Length], Teams[id % Teams.Length], Commands[(id / 2) % Commands.Length], new ResourceRequest(id % 3, 1_000, 1024));
            Writer.Write([new JobSubmitted(new Job(new JobId(id), spec, Now.AddMinutes(id % 4)))]);
            if (id % 3 != 0)
            {
                Writer.Write([new JobStateChanged(new JobId(id), JobState.Pending, JobState.Running, Now.AddMinutes(10 + (id % 5)))]);
            }

            if (id % 3 == 1)
            {
                Writer.Write([new JobStateChanged(new JobId(id), JobState.Running, id % 2 == 0 ? JobState.Succeeded : JobState.Failed, Now.AddMinutes(30 + (id % 4)))]);
            }
        }
    }
}
