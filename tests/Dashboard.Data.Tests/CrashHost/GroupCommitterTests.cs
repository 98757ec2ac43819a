using Dapper;
using Dashboard.Data.CrashHost;
using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.CrashHost;

public sealed class GroupCommitterTests : IDisposable
{
    private readonly TempDatabase temp = new();
    private readonly Database database;
    private readonly ClusterWriter writer;
    private readonly DateTimeOffset now;

    public GroupCommitterTests()
    {
        database = temp.Open();
        writer = new ClusterWriter(database);
        now = temp.Time.GetUtcNow();
    }

    public void Dispose()
    {
        writer.Dispose();
        temp.Dispose();
    }

    [Fact]
    public async Task Lists_that_arrive_together_share_one_transaction_and_all_commit()
    {
        var reports = new List<GroupCommitReport>();
        using var allQueued = new ManualResetEventSlim();
        await using var committer = new GroupCommitter(writer, temp.Time, committed: report =>
        {
            reports.Add(report);
            allQueued.Wait(TestContext.Current.CancellationToken);
        });

        var commits = Enumerable.Range(1, 100).Select(id => committer.CommitAsync([new JobSubmitted(Job(id, now))])).ToList();
        allQueued.Set();
        await Task.WhenAll(commits);

        reports.Should().HaveCountLessThanOrEqualTo(2).And.OnlyContain(r => r.Committed);
        reports.Sum(r => r.Lists).Should().Be(100);
        reports.Max(r => r.Lists).Should().BeGreaterThanOrEqualTo(50);
        using var connection = temp.Raw();
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM jobs").Should().Be(100);
    }

    [Fact]
    public async Task A_caller_is_acknowledged_only_after_its_transaction_committed()
    {
        await using var committer = new GroupCommitter(writer, temp.Time);
        using var blocker = temp.Raw();
        using var holdsTheWriteLock = blocker.BeginTransaction();
        blocker.Execute("INSERT INTO teams (name, created_at) VALUES ('blocker', 0)", transaction: holdsTheWriteLock);

        var commit = committer.CommitAsync([new JobSubmitted(Job(7, now))]);

        commit.IsCompleted.Should().BeFalse("the writer cannot begin its transaction while another connection holds the write lock");
        holdsTheWriteLock.Rollback();
        await commit;
        using var reader = temp.Raw();
        reader.ExecuteScalar<long>("SELECT COUNT(*) FROM jobs WHERE id = 7").Should().Be(1);
    }

    [Fact]
    public async Task A_bad_list_fails_alone_and_the_others_in_its_transaction_still_commit()
    {
        using var allQueued = new ManualResetEventSlim();
        var first = true;
        await using var committer = new GroupCommitter(writer, temp.Time, committed: _ =>
        {
            if (first)
            {
                first = false;
                allQueued.Wait(TestContext.Current.CancellationToken);
            }
        });
        var opener = committer.CommitAsync([new JobSubmitted(Job(1, now))]);

        var good = committer.CommitAsync([new JobSubmitted(Job(2, now))]);
        var bad = committer.CommitAsync([new JobStateChanged(new JobId(1), JobState.Running, JobState.Succeeded, now)]);
        var alsoGood = committer.CommitAsync([new JobSubmitted(Job(3, now))]);
        allQueued.Set();

        await opener;
        await good;
        await alsoGood;
        var act = () => bad;
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("Job 1 is Pending, not Running*");
        new JobStore(database).InState(JobState.Pending).Select(j => j.Job.Id.Value).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task Shutting_down_writes_what_was_queued_and_refuses_what_comes_after()
    {
        var committer = new GroupCommitter(writer, temp.Time);
        var queued = Enumerable.Range(1, 20).Select(id => committer.CommitAsync([new JobSubmitted(Job(id, now))])).ToList();

        await committer.DisposeAsync();
        var late = committer.CommitAsync([new JobSubmitted(Job(99, now))]);

        queued.Should().OnlyContain(t => t.IsCompletedSuccessfully);
        var act = () => late;
        await act.Should().ThrowAsync<ObjectDisposedException>();
        new JobStore(database).NextId().Should().Be(new JobId(21));
    }
}
