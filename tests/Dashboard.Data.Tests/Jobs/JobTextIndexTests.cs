using Dapper;
using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Tests.Jobs;

/// <summary>
/// The job list's text index is written in batches (db/0019): a job is found by its text at once, before its batch
/// is indexed and after; a restart indexes what waited; an edit of a name or a command is found by the new text only.
/// </summary>
public sealed class JobTextIndexTests : StoreTest
{
    private JobStore Store => new(Database);

    [Fact]
    public void A_submitted_job_is_found_by_its_text_at_once_and_after_its_batch_is_indexed()
    {
        Submit(1, "train-resnet", "python train.py");

        Writer.JobTextWaiting.Should().Be(1);
        IndexedThrough().Should().Be(0);
        Found("resnet").Should().Equal(1);
        Found("TRAIN.PY").Should().Equal(1);

        Writer.IndexJobText().Should().Be(1);

        Writer.JobTextWaiting.Should().Be(0);
        IndexedThrough().Should().Be(1);
        Found("resnet").Should().Equal(1);
        Found("TRAIN.PY").Should().Equal(1);
    }

    [Fact]
    public void The_writer_indexes_a_batch_once_enough_jobs_wait_not_every_commit()
    {
        var id = 1L;
        for (; id < JobTextIndex.Batch; id += 4)
        {
            Writer.Write([.. Enumerable.Range(0, 4).Select(i => Submitted(id + i, $"job-{id + i}", "sleep 60"))]);
        }

        // 512 jobs in 128 commits: the last commit indexed them all, in one statement.
        IndexedThrough().Should().Be(JobTextIndex.Batch);
        Writer.JobTextWaiting.Should().Be(0);

        Submit(id, "after-the-batch", "sleep 60");
        IndexedThrough().Should().Be(JobTextIndex.Batch);
        Writer.JobTextWaiting.Should().Be(1);
        Found("job-17").Should().Equal(179, 178, 177, 176, 175, 174, 173, 172, 171, 170, 17);
        Found("after-the").Should().Equal(id);
        Store.Page(new JobQuery(Text: "job-")).TotalCount.Should().Be(JobTextIndex.Batch);
        Store.Page(new JobQuery(Text: "sleep 60")).TotalCount.Should().Be(JobTextIndex.Batch + 1);
    }

    [Fact]
    public void A_restart_indexes_the_jobs_that_waited()
    {
        Submit(1, "indexed-first", "true");
        Writer.IndexJobText();
        Submit(2, "waiting-tail", "true");
        Submit(3, "waiting-tail-too", "true");
        Found("waiting").Should().Equal(3, 2);

        using (var restarted = new ClusterWriter(Database))
        {
            restarted.JobTextWaiting.Should().Be(0);
        }

        IndexedThrough().Should().Be(3);
        Found("waiting").Should().Equal(3, 2);
        Found("indexed").Should().Equal(1);
    }

    [Fact]
    public void An_edited_name_or_command_is_found_by_the_new_text_only_indexed_or_not()
    {
        Submit(1, "old-name-indexed", "python old.py");
        Writer.IndexJobText();
        Submit(2, "old-name-waiting", "python old.py");

        Edit(1, "new-name-indexed", "python new.py");
        Edit(2, "new-name-waiting", "python new.py");

        Found("old-name").Should().BeEmpty();
        Found("old.py").Should().BeEmpty();
        Found("new-name").Should().Equal(2, 1);
        Found("new.py").Should().Equal(2, 1);

        Writer.IndexJobText();

        Found("old-name").Should().BeEmpty();
        Found("new-name").Should().Equal(2, 1);
        Found("new.py").Should().Equal(2, 1);
    }

    [Fact]
    public void A_failed_commit_leaves_the_index_and_its_mark_as_they_were()
    {
        Submit(1, "committed", "true");

        // Job 1 again: the primary key refuses the whole transaction, job 2 with it.
        var failing = () => Writer.Write([Submitted(2, "rolled-back", "true"), Submitted(1, "duplicate", "true")]);
        failing.Should().Throw<Microsoft.Data.Sqlite.SqliteException>();

        Writer.JobTextWaiting.Should().Be(1);
        Writer.IndexJobText().Should().Be(1);
        Found("rolled-back").Should().BeEmpty();
        Found("committed").Should().Equal(1);
    }

    [Fact]
    public void With_jobs_waiting_a_rare_text_reads_the_index_and_the_range_after_it_not_every_job()
    {
        foreach (var query in new[] { new JobQuery(Text: "resnet"), new JobQuery(Text: "resnet", SortBy: JobSortColumn.Name), new JobQuery(Text: "resnet", Team: "vision") })
        {
            var plan = Store.QueryPlan(query, textIndexedThrough: 100);

            plan.Should().Contain(step => step.StartsWith("page:", StringComparison.Ordinal) && step.Contains("jobs_text VIRTUAL TABLE INDEX", StringComparison.Ordinal), string.Join(" | ", plan));
            plan.Should().Contain(step => step.StartsWith("page:", StringComparison.Ordinal) && step.Contains("id>?", StringComparison.Ordinal), string.Join(" | ", plan));
            plan.Should().NotContain(step => step.EndsWith(": SCAN j", StringComparison.Ordinal) || step.Contains(": SCAN j USING", StringComparison.Ordinal), string.Join(" | ", plan));
            plan.Should().Contain(step => step.StartsWith("count:", StringComparison.Ordinal) && step.Contains("jobs_text VIRTUAL TABLE INDEX", StringComparison.Ordinal), string.Join(" | ", plan));
        }
    }

    [Fact]
    public void With_jobs_waiting_a_text_sorted_by_id_merges_the_index_in_id_order_with_them_without_sorting()
    {
        foreach (var descending in new[] { true, false })
        {
            var first = Store.QueryPlan(new JobQuery(Text: "sweep", Descending: descending), textIndexedThrough: 100);
            var next = Store.QueryPlan(new JobQuery(Text: "sweep", Descending: descending, After: new JobCursor(JobSortColumn.Id, descending, null, null, 40)), textIndexedThrough: 100);

            foreach (var plan in new[] { first, next })
            {
                plan.Should().Contain(step => step.StartsWith("page: SCAN jobs_text VIRTUAL TABLE INDEX", StringComparison.Ordinal), string.Join(" | ", plan));
                plan.Should().Contain(step => step.StartsWith("page:", StringComparison.Ordinal) && step.Contains("id>?", StringComparison.Ordinal), string.Join(" | ", plan));
                plan.Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), string.Join(" | ", plan));
            }
        }
    }

    private List<long> Found(string text) => [.. Store.Page(new JobQuery(Text: text, PageSize: 100)).Items.Select(j => j.Job.Id.Value)];

    private long IndexedThrough()
    {
        using var connection = Database.OpenConnection();
        return connection.ExecuteScalar<long>("SELECT through_id FROM job_text_indexed");
    }

    private void Submit(long id, string name, string command) => Writer.Write([Submitted(id, name, command)]);

    private JobSubmitted Submitted(long id, string name, string command) =>
        new(new Job(new JobId(id), Spec(name, command), Now));

    private void Edit(long id, string name, string command) => Writer.Write([new JobEdited(new JobId(id), Spec(name, command))]);

    private static JobSpec Spec(string name, string command) => new(name, "ada", "vision", command, new ResourceRequest(1, 1_000, 1_024));
}
