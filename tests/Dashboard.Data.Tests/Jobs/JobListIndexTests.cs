using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests.Jobs;

/// <summary>At a million jobs a list page must read its own rows from an index, whatever the sort and the filter.</summary>
public sealed class JobListIndexTests : StoreTest
{
    private readonly JobStore store;

    public JobListIndexTests()
    {
        store = new JobStore(Database);
    }

    [Theory]
    [MemberData(nameof(JobSorts.All), MemberType = typeof(JobSorts))]
    public void Every_sort_both_ways_reads_an_index_in_order_without_sorting_the_table(JobSortColumn column, bool descending)
    {
        var plan = store.QueryPlan(new JobQuery(SortBy: column, Descending: descending));

        plan.Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), "a page of 25 must not sort every job: " + string.Join(" | ", plan));
        // By id the table itself is the index (rows are stored in id order); every other column walks its own index.
        var walk = column == JobSortColumn.Id ? "page: SCAN j" : "page: SCAN j USING INDEX";
        plan.Should().Contain(step => step.StartsWith(walk, StringComparison.Ordinal), string.Join(" | ", plan));
    }

    public static TheoryData<string, JobQuery> Filters() => new()
    {
        { "finished", new JobQuery(States: new HashSet<JobState> { JobState.Succeeded, JobState.Failed }) },
        { "waiting", new JobQuery(States: new HashSet<JobState> { JobState.Pending }) },
        { "team", new JobQuery(Team: "vision") },
        { "owner", new JobQuery(Owner: "ada") },
        { "text", new JobQuery(Text: "resnet") },
        { "text or id", new JobQuery(Text: "1234") },
        { "all four", new JobQuery(States: new HashSet<JobState> { JobState.Failed }, Team: "vision", Owner: "ada", Text: "resnet") },
        { "team sorted by submit time", new JobQuery(Team: "vision", SortBy: JobSortColumn.Submitted) },
        { "owner sorted by end", new JobQuery(Owner: "ada", SortBy: JobSortColumn.Ended, Descending: false) },
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public void Every_filter_is_served_by_an_index_for_the_page_and_the_count(string filter, JobQuery query)
    {
        var plan = store.QueryPlan(query);

        plan.Should().NotBeEmpty();
        plan.Should().NotContain(step => IsFullTableScan(step), $"the {filter} filter must not read every job: " + string.Join(" | ", plan));
    }

    [Fact]
    public void Text_search_goes_through_the_full_text_index()
    {
        var plan = store.QueryPlan(new JobQuery(Text: "resnet"));

        plan.Should().Contain(step => step.Contains("VIRTUAL TABLE INDEX", StringComparison.Ordinal) && step.Contains("jobs_text", StringComparison.Ordinal), string.Join(" | ", plan));
    }

    /// <summary>"SCAN j" alone reads the table itself, row by row; "SCAN j USING ..." walks an index.</summary>
    private static bool IsFullTableScan(string step) =>
        step.EndsWith("SCAN j", StringComparison.Ordinal);
}
