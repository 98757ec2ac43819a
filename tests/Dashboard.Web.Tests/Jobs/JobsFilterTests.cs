using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Tests.Jobs;

public sealed class JobsFilterTests
{
    [Fact]
    public void My_jobs_is_the_default_and_filters_on_the_current_user()
    {
        var query = JobsFilter.Default with { Owner = "someone-else" };

        query.ToQuery("ada", page: 0, pageSize: 25, sortBy: null, descending: false).Should().BeEquivalentTo(
            new JobQuery(Owner: "ada", SortBy: JobSortColumn.Id, Descending: true, Offset: 0, PageSize: 25),
            o => o.Excluding(q => q.States));
    }

    [Fact]
    public void Without_my_jobs_every_filter_passes_through_and_the_page_becomes_an_offset()
    {
        var states = new HashSet<JobState> { JobState.Running };
        var filter = new JobsFilter(false, states, "vision", "bob", "resnet");

        var query = filter.ToQuery("ada", page: 2, pageSize: 50, sortBy: nameof(JobListRow.Submitted), descending: false);

        query.Should().Be(new JobQuery(states, "vision", "bob", "resnet", JobSortColumn.Submitted, false, 100, 50));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3, 1)]
    [InlineData(10_000, JobQuery.MaxPageSize)]
    public void The_page_size_is_kept_within_what_the_store_accepts(int asked, int expected)
    {
        JobsFilter.Default.ToQuery("ada", 0, asked, null, true).PageSize.Should().Be(expected);
    }

    [Fact]
    public void An_unknown_column_sorts_by_id_newest_first()
    {
        var query = JobsFilter.Default.ToQuery("ada", 0, 25, "Command; DROP TABLE jobs", descending: false);

        query.SortBy.Should().Be(JobSortColumn.Id);
        query.Descending.Should().BeTrue();
    }

    [Fact]
    public void Every_sortable_grid_column_is_a_store_sort_column()
    {
        string[] sortable = [nameof(JobListRow.Id), nameof(JobListRow.Name), nameof(JobListRow.Owner), nameof(JobListRow.Team), nameof(JobListRow.State),
            nameof(JobListRow.Gpus), nameof(JobListRow.Submitted), nameof(JobListRow.Started), nameof(JobListRow.Ended)];

        sortable.Where(c => !JobQuery.TryParseSortColumn(c, out var column) || column.ToString() != c).Should().BeEmpty();
    }
}
