using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests.Jobs;

public sealed class JobStorePageTests : StoreTest
{
    private readonly JobStore store;

    public JobStorePageTests()
    {
        store = new JobStore(Database);
    }

    [Fact]
    public void Filters_on_state_team_owner_and_text_combine()
    {
        Submit(1, "train-resnet", owner: "ada", team: "vision");
        Submit(2, "train-bert", owner: "ada", team: "nlp");
        Submit(3, "train-vit", owner: "bob", team: "vision");
        Submit(4, "eval-resnet", owner: "ada", team: "vision");
        Start(1);
        Start(4);
        End(4, JobState.Succeeded);

        Ids(new JobQuery(Team: "vision")).Should().Equal(4, 3, 1);
        Ids(new JobQuery(Team: "vision", Owner: "ada")).Should().Equal(4, 1);
        Ids(new JobQuery(Team: "vision", Owner: "ada", Text: "resnet")).Should().Equal(4, 1);
        Ids(new JobQuery(States: new HashSet<JobState> { JobState.Pending, JobState.Running }, Team: "vision", Owner: "ada", Text: "resnet")).Should().Equal(1);
        Ids(new JobQuery(States: new HashSet<JobState> { JobState.Succeeded })).Should().Equal(4);
        Ids(new JobQuery(States: new HashSet<JobState> { JobState.Pending }, Owner: "ada")).Should().Equal(2);
        Ids(new JobQuery(Owner: "nobody")).Should().BeEmpty();
        Ids(new JobQuery(Team: "  ", Owner: "", Text: " ")).Should().Equal(new long[] { 4, 3, 2, 1 }, "blank filters filter nothing");
    }

    [Fact]
    public void Text_matches_the_name_the_command_or_the_id_case_insensitively()
    {
        Submit(7, "Train-ResNet", command: "python a.py");
        Submit(8, "other", command: "python TRAIN.py --resnet");
        Submit(17, "unrelated", command: "sleep 1");

        Ids(new JobQuery(Text: "resnet")).Should().Equal(8, 7);
        Ids(new JobQuery(Text: "train")).Should().Equal(8, 7);
        Ids(new JobQuery(Text: "17")).Should().Equal(17);
        Ids(new JobQuery(Text: "#7")).Should().Equal(7);
    }

    [Fact]
    public void Percent_underscore_backslash_and_quotes_in_the_text_match_only_themselves()
    {
        Submit(1, "lr_0.1", command: "echo 100%");
        Submit(2, "lrX0.1", command: "echo 1000");
        Submit(3, "it's \"quoted\"", command: "echo 'a' \\ b");
        Submit(4, "plain", command: "echo x");

        Ids(new JobQuery(Text: "lr_0")).Should().Equal(1);
        Ids(new JobQuery(Text: "100%")).Should().Equal(1);
        Ids(new JobQuery(Text: "%")).Should().Equal(1);
        Ids(new JobQuery(Text: "_")).Should().Equal(1);
        Ids(new JobQuery(Text: "it's")).Should().Equal(3);
        Ids(new JobQuery(Text: "\"quoted\"")).Should().Equal(3);
        Ids(new JobQuery(Text: "'a' \\ b")).Should().Equal(3);
        Ids(new JobQuery(Text: "\\")).Should().Equal(3);
        Ids(new JobQuery(Text: "'; DROP TABLE jobs; --")).Should().BeEmpty();
        store.Find(new JobId(4)).Should().NotBeNull("the table is still there");
    }

    [Fact]
    public void Sorts_by_each_column_both_ways_with_the_id_breaking_ties()
    {
        Submit(1, "b", owner: "carol", team: "nlp", gpus: 2, submittedMinutes: 3);
        Submit(2, "a", owner: "ada", team: "vision", gpus: 8, submittedMinutes: 1);
        Submit(3, "c", owner: "bob", team: "nlp", gpus: 2, submittedMinutes: 2);
        Start(2, minutes: 10);
        Start(3, minutes: 5);
        End(3, JobState.Failed, minutes: 20);

        Ids(new JobQuery(SortBy: JobSortColumn.Id, Descending: false)).Should().Equal(1, 2, 3);
        Ids(new JobQuery(SortBy: JobSortColumn.Id)).Should().Equal(3, 2, 1);
        Ids(new JobQuery(SortBy: JobSortColumn.Name, Descending: false)).Should().Equal(2, 1, 3);
        Ids(new JobQuery(SortBy: JobSortColumn.Name, Descending: true)).Should().Equal(3, 1, 2);
        Ids(new JobQuery(SortBy: JobSortColumn.Owner, Descending: false)).Should().Equal(2, 3, 1);
        Ids(new JobQuery(SortBy: JobSortColumn.Team, Descending: false)).Should().Equal(1, 3, 2);
        Ids(new JobQuery(SortBy: JobSortColumn.Team, Descending: true)).Should().Equal(2, 3, 1);
        Ids(new JobQuery(SortBy: JobSortColumn.State, Descending: false)).Should().Equal(3, 1, 2);
        Ids(new JobQuery(SortBy: JobSortColumn.Submitted, Descending: false)).Should().Equal(2, 3, 1);
        Ids(new JobQuery(SortBy: JobSortColumn.Submitted, Descending: true)).Should().Equal(1, 3, 2);
        Ids(new JobQuery(SortBy: JobSortColumn.Gpus, Descending: false)).Should().Equal(1, 3, 2);
        Ids(new JobQuery(SortBy: JobSortColumn.Gpus, Descending: true)).Should().Equal(2, 3, 1);
        Ids(new JobQuery(SortBy: JobSortColumn.Started, Descending: false)).Should().Equal(new long[] { 3, 2, 1 }, "a job not yet started comes last");
        Ids(new JobQuery(SortBy: JobSortColumn.Started, Descending: true)).Should().Equal(new long[] { 2, 3, 1 }, "a job not yet started comes last");
        Ids(new JobQuery(SortBy: JobSortColumn.Ended, Descending: true)).Should().Equal(3, 2, 1);
    }

    [Fact]
    public void Pages_cover_every_match_once_and_the_total_counts_all_matches()
    {
        for (var id = 1; id <= 12; id++)
        {
            Submit(id, $"job-{id}", team: id % 3 == 0 ? "nlp" : "vision");
        }

        var first = store.Page(new JobQuery(Team: "vision", Descending: false, Offset: 0, PageSize: 5));
        var second = store.Page(new JobQuery(Team: "vision", Descending: false, Offset: 5, PageSize: 5));
        var beyond = store.Page(new JobQuery(Team: "vision", Descending: false, Offset: 40, PageSize: 5));

        first.TotalCount.Should().Be(8);
        second.TotalCount.Should().Be(8);
        first.Items.Select(j => j.Job.Id.Value).Should().Equal(1, 2, 4, 5, 7);
        second.Items.Select(j => j.Job.Id.Value).Should().Equal(8, 10, 11);
        beyond.Items.Should().BeEmpty();
        beyond.TotalCount.Should().Be(8);
        store.Page(new JobQuery(PageSize: JobQuery.MaxPageSize)).Items.Should().HaveCount(12);
    }

    [Fact]
    public void A_page_brings_back_the_whole_record()
    {
        Submit(5, "full", owner: "ada", team: "vision", gpus: 2);
        Start(5, minutes: 2);
        End(5, JobState.Failed, minutes: 3, exitCode: 137, reason: "exited with code 137");

        var record = store.Page(new JobQuery()).Items.Single();

        record.Should().Be(store.Find(new JobId(5)));
        record.ExitCode.Should().Be(137);
    }

    [Theory]
    [InlineData(0, 0, "page size must be between 1 and 500; it was 0")]
    [InlineData(501, 0, "page size must be between 1 and 500; it was 501")]
    [InlineData(10, -1, "offset must not be negative; it was -1")]
    public void Bad_paging_is_refused_with_the_reason(int pageSize, int offset, string reason)
    {
        var refused = () => store.Page(new JobQuery(PageSize: pageSize, Offset: offset));

        refused.Should().Throw<ArgumentException>().WithMessage($"*{reason}*");
    }

    [Fact]
    public void An_unknown_sort_column_or_state_is_refused_with_the_reason()
    {
        var badColumn = () => store.Page(new JobQuery(SortBy: (JobSortColumn)99));
        var badState = () => store.Page(new JobQuery(States: new HashSet<JobState> { (JobState)42 }));

        badColumn.Should().Throw<ArgumentException>().WithMessage("*cannot be sorted by column 99; use one of Id, Name, Owner, Team, State, Submitted, Started, Ended, Gpus*");
        badState.Should().Throw<ArgumentException>().WithMessage("*42 is not a job state*");
    }

    [Theory]
    [InlineData("submitted", true, JobSortColumn.Submitted)]
    [InlineData(" Gpus ", true, JobSortColumn.Gpus)]
    [InlineData("id", true, JobSortColumn.Id)]
    [InlineData("3", false, JobSortColumn.Id)]
    [InlineData("j.id; DROP TABLE jobs", false, JobSortColumn.Id)]
    [InlineData("", false, JobSortColumn.Id)]
    [InlineData(null, false, JobSortColumn.Id)]
    public void Sort_columns_parse_by_name_only(string? name, bool parses, JobSortColumn expected)
    {
        JobQuery.TryParseSortColumn(name, out var column).Should().Be(parses);
        column.Should().Be(expected);
    }

    private List<long> Ids(JobQuery query) => [.. store.Page(query).Items.Select(j => j.Job.Id.Value)];

    private void Submit(long id, string name, string owner = "ada", string team = "vision", string command = "python train.py", int gpus = 1, int submittedMinutes = 0)
    {
        var spec = new JobSpec(name, owner, team, command, new ResourceRequest(gpus, 4_000, 16 * 1024));
        Writer.Write([new JobSubmitted(new Job(new JobId(id), spec, Now.AddMinutes(submittedMinutes)))]);
    }

    private void Start(long id, int minutes = 1) =>
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Pending, JobState.Running, Now.AddMinutes(minutes))]);

    private void End(long id, JobState state, int minutes = 5, int? exitCode = null, string? reason = null) =>
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Running, state, Now.AddMinutes(minutes), reason, exitCode)]);
}
