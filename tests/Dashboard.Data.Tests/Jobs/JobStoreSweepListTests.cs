using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests.Jobs;

/// <summary>The Jobs list folds a sweep into one row (its first job's), counted once, that its jobs bring in by the filters.</summary>
public sealed class JobStoreSweepListTests : StoreTest
{
    private readonly JobStore store;

    public JobStoreSweepListTests()
    {
        store = new JobStore(Database);
    }

    [Fact]
    public void A_folded_list_shows_a_sweep_once_with_its_jobs_and_counts_it_once()
    {
        Submit(1, "alone");
        Sweep(2, "grid", 4);
        Submit(6, "after");
        End(3, JobState.Succeeded);
        End(4, JobState.Failed);

        var page = store.Page(new JobQuery(FoldSweeps: true));

        page.Items.Select(j => j.Job.Id.Value).Should().Equal(6, 2, 1);
        page.TotalCount.Should().Be(3, "a sweep of four counts once");
        page.SweepOf(new JobId(2))!.Progress.Should().Be("1/4 done, 1 failed, 2 waiting");
        page.SweepOf(new JobId(2))!.Jobs.Select(j => j.Record.Job.Id.Value).Should().Equal(2, 3, 4, 5);
        page.SweepOf(new JobId(1)).Should().BeNull();
        store.Page(new JobQuery()).TotalCount.Should().Be(6, "unfolded (the API's list), every job is a row");
    }

    [Fact]
    public void A_sweep_is_listed_when_any_of_its_jobs_passes_the_state_and_text_filters()
    {
        Submit(1, "alone");
        Sweep(2, "grid", 3);
        End(4, JobState.Failed);

        Ids(new JobQuery(States: new HashSet<JobState> { JobState.Failed }, FoldSweeps: true)).Should().Equal(new long[] { 2 }, "job 4 failed, so its sweep is listed (by its first job)");
        Ids(new JobQuery(States: new HashSet<JobState> { JobState.Succeeded }, FoldSweeps: true)).Should().BeEmpty();
        Ids(new JobQuery(Text: "grid[2]", FoldSweeps: true)).Should().Equal(2);
        Ids(new JobQuery(Text: "4", FoldSweeps: true)).Should().Equal(new long[] { 2 }, "job 4's id finds its sweep");
        Ids(new JobQuery(Text: "alone", FoldSweeps: true)).Should().Equal(1);
        Ids(new JobQuery(Owner: "bob", FoldSweeps: true)).Should().BeEmpty();
        Ids(new JobQuery(Team: "vision", FoldSweeps: true)).Should().Equal(2, 1);
        Ids(new JobQuery(FoldSweeps: true, VisibleTo: new JobVisibility("bob", []))).Should().BeEmpty("bob may see none of ada's jobs");
        store.Page(new JobQuery(States: new HashSet<JobState> { JobState.Failed }, FoldSweeps: true)).TotalCount.Should().Be(1);
    }

    [Fact]
    public void Folded_pages_by_offset_and_by_cursor_cover_every_row_once()
    {
        for (var id = 1; id <= 20; id += 4)
        {
            Submit(id, $"single-{id}");
            Sweep(id + 1, $"sweep-{id}", 3);
        }

        var expected = Ids(new JobQuery(FoldSweeps: true, PageSize: 100));
        expected.Should().HaveCount(10);
        var byOffset = Enumerable.Range(0, 4).SelectMany(p => Ids(new JobQuery(FoldSweeps: true, Offset: p * 3, PageSize: 3))).ToList();
        byOffset.Should().Equal(expected);

        foreach (var column in new[] { JobSortColumn.Id, JobSortColumn.Name, JobSortColumn.Submitted })
        {
            var all = Ids(new JobQuery(FoldSweeps: true, SortBy: column, PageSize: 100));
            var walked = new List<long>();
            var page = store.Page(new JobQuery(FoldSweeps: true, SortBy: column, PageSize: 3));
            walked.AddRange(page.Items.Select(j => j.Job.Id.Value));
            while (page.Next is { } next)
            {
                page = store.Page(new JobQuery(FoldSweeps: true, SortBy: column, PageSize: 3, After: next));
                walked.AddRange(page.Items.Select(j => j.Job.Id.Value));
            }

            walked.Should().Equal(all, $"sorted by {column}");
            page.TotalCount.Should().Be(10);
        }
    }

    [Fact]
    public void The_sweep_filter_lists_its_jobs_one_by_one()
    {
        Submit(1, "alone");
        Sweep(2, "grid", 3);
        Sweep(5, "other", 2);

        Ids(new JobQuery(Sweep: 2)).Should().Equal(4, 3, 2);
        Ids(new JobQuery(Sweep: 2, FoldSweeps: true)).Should().Equal(new long[] { 4, 3, 2 }, "a sweep's own list is never folded");
        Ids(new JobQuery(Sweep: 5, Descending: false)).Should().Equal(5, 6);
        Ids(new JobQuery(Sweep: 1)).Should().BeEmpty("job 1 is not a sweep");
        new JobQuery(Sweep: 0).Problems().Should().ContainSingle().Which.Should().Contain("sweep");
    }

    [Fact]
    public void A_resubmitted_attempt_replaces_the_failed_one_in_the_progress()
    {
        Sweep(1, "grid", 2);
        End(1, JobState.Succeeded);
        End(2, JobState.Failed);
        Submit(3, "grid[1]");
        Writer.Write([new SweepJobAdded(new JobId(3), new SweepMember(1, 1), "{}")]);

        var sweep = store.Sweep(1)!;
        sweep.Progress.Should().Be("1/2 done, 1 waiting");
        sweep.Replaced(new JobId(2)).Should().BeTrue();
        sweep.Replaced(new JobId(3)).Should().BeFalse();
        sweep.Current.Select(j => j.Job.Id.Value).Should().Equal(1, 3);
        End(3, JobState.Succeeded);
        store.Sweep(1)!.Progress.Should().Be("2/2 done");
        Ids(new JobQuery(FoldSweeps: true)).Should().Equal(new long[] { 1 }, "the new attempt is folded into its sweep");
    }

    private List<long> Ids(JobQuery query) => [.. store.Page(query).Items.Select(j => j.Job.Id.Value)];

    private void Sweep(long first, string name, int size, string owner = "ada")
    {
        var ids = Enumerable.Range(0, size).Select(i => first + i).ToList();
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            Submit(id, $"{name}[{i}]", owner);
        }

        Writer.Write([
            new SweepCreated(new SweepTally(first, name, owner, "vision", size, null), "x=[...]", Now),
            .. ids.Select((id, i) => new SweepJobAdded(new JobId(id), new SweepMember(first, i), "{}")),
        ]);
    }

    private void Submit(long id, string name, string owner = "ada")
    {
        var spec = new JobSpec(name, owner, "vision", "python train.py", new ResourceRequest(1, 1000, 1024), null, null, 0);
        Writer.Write([new JobSubmitted(new Job(new JobId(id), spec, Now.AddMinutes(id)))]);
    }

    private void End(long id, JobState state)
    {
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Pending, JobState.Running, Now.AddMinutes(30))]);
        Writer.Write([new JobStateChanged(new JobId(id), JobState.Running, state, Now.AddMinutes(40))]);
    }
}
