using Dapper;
using Dashboard.Data.Allocations;
using Dashboard.Data.Audit;
using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Writing;

public sealed class ClusterWriterTests : IDisposable
{
    private readonly TempDatabase temp = new();
    private readonly Database database;
    private readonly ClusterWriter writer;
    private readonly DateTimeOffset now;

    public ClusterWriterTests()
    {
        database = temp.Open();
        writer = new ClusterWriter(database);
        now = temp.Time.GetUtcNow();
        writer.Write([new NodeUpserted(Node("gpu-01"), now), new QuotaSet(Quota("vision"), now)]);
    }

    public void Dispose()
    {
        writer.Dispose();
        temp.Dispose();
    }

    [Fact]
    public void A_list_is_written_all_or_nothing()
    {
        var act = () => writer.Write(
        [
            new JobSubmitted(Job(1, now)),
            new JobStateChanged(new JobId(1), JobState.Pending, JobState.Running, now),
            new AllocationMade(Allocation(1, "gpu-01", now, 0), false),
            new JobStateChanged(new JobId(1), JobState.Pending, JobState.Running, now),
        ]);

        act.Should().Throw<InvalidOperationException>().WithMessage("Job 1 is Running, not Pending*");
        new JobStore(database).Find(new JobId(1)).Should().BeNull();
        new AllocationStore(database).HeldGpus().Should().BeEmpty();
    }

    [Fact]
    public void An_illegal_state_change_is_refused_with_the_domain_message()
    {
        writer.Write([new JobSubmitted(Job(1, now))]);

        var act = () => writer.Write([new JobStateChanged(new JobId(1), JobState.Pending, JobState.Succeeded, now)]);

        act.Should().Throw<InvalidOperationException>().WithMessage("A job cannot go from Pending to Succeeded.");
    }

    [Fact]
    public void A_state_change_of_an_unknown_job_is_refused()
    {
        var act = () => writer.Write([new JobStateChanged(new JobId(42), JobState.Pending, JobState.Cancelled, now)]);

        act.Should().Throw<InvalidOperationException>().WithMessage("Job 42 does not exist*");
    }

    [Fact]
    public void Sqlite_itself_refuses_a_gpu_held_twice_across_transactions()
    {
        writer.Write([new JobSubmitted(Job(1, now)), new JobSubmitted(Job(2, now)), new AllocationMade(Allocation(1, "gpu-01", now, 2, 3), false)]);

        var act = () => writer.Write([new AllocationMade(Allocation(2, "gpu-01", now, 3, 4), false)]);

        act.Should().Throw<InvalidOperationException>()
            .WithMessage("GPU 3 on gpu-01 is already held by job 1; job 2 cannot take it.")
            .WithInnerException<SqliteException>().Which.SqliteErrorCode.Should().Be(19);
        new AllocationStore(database).HeldGpus().Should().Equal(new HeldGpu("gpu-01", 2, new JobId(1)), new HeldGpu("gpu-01", 3, new JobId(1)));
    }

    [Fact]
    public void Sqlite_itself_refuses_a_gpu_held_twice_within_one_list()
    {
        var act = () => writer.Write(
        [
            new JobSubmitted(Job(1, now)),
            new JobSubmitted(Job(2, now)),
            new AllocationMade(Allocation(1, "gpu-01", now, 5), false),
            new AllocationMade(Allocation(2, "gpu-01", now, 5), false),
        ]);

        act.Should().Throw<InvalidOperationException>().WithInnerException<SqliteException>();
        new JobStore(database).Find(new JobId(1)).Should().BeNull();
    }

    [Fact]
    public void A_released_gpu_can_be_taken_again()
    {
        writer.Write([new JobSubmitted(Job(1, now)), new JobSubmitted(Job(2, now)), new AllocationMade(Allocation(1, "gpu-01", now, 0), false)]);

        writer.Write([new AllocationReleased(new JobId(1), now), new AllocationMade(Allocation(2, "gpu-01", now, 0), false)]);

        new AllocationStore(database).HeldGpus().Should().Equal(new HeldGpu("gpu-01", 0, new JobId(2)));
    }

    [Fact]
    public void A_job_holds_at_most_one_current_allocation()
    {
        writer.Write([new JobSubmitted(Job(1, now)), new AllocationMade(Allocation(1, "gpu-01", now, 0), false)]);

        var act = () => writer.Write([new AllocationMade(Allocation(1, "gpu-01", now, 1), false)]);

        act.Should().Throw<SqliteException>().Which.Message.Should().Contain("UNIQUE constraint failed: allocations.job_id");
    }

    [Fact]
    public void Releasing_a_job_without_an_allocation_is_refused()
    {
        writer.Write([new JobSubmitted(Job(1, now))]);

        var act = () => writer.Write([new AllocationReleased(new JobId(1), now)]);

        act.Should().Throw<InvalidOperationException>().WithMessage("Job 1 holds no allocation to release.");
    }

    [Fact]
    public void An_allocation_on_an_unknown_node_is_refused_by_a_foreign_key()
    {
        writer.Write([new JobSubmitted(Job(1, now))]);

        var act = () => writer.Write([new AllocationMade(Allocation(1, "nowhere", now, 0), false)]);

        act.Should().Throw<SqliteException>().Which.Message.Should().Contain("FOREIGN KEY");
    }

    [Fact]
    public void A_change_the_writer_does_not_know_is_refused()
    {
        var act = () => writer.Write([new UnknownChange()]);

        act.Should().Throw<ArgumentException>().WithMessage("UnknownChange is not a change the writer knows*");
    }

    [Theory]
    [InlineData("UPDATE job_events SET reason = 'rewritten'")]
    [InlineData("DELETE FROM job_events")]
    public void Job_events_are_append_only(string sql)
    {
        writer.Write([new JobSubmitted(Job(1, now)), new JobStateChanged(new JobId(1), JobState.Pending, JobState.Cancelled, now, "cancelled by ada")]);
        using var connection = temp.Raw();

        var act = () => connection.Execute(sql);

        act.Should().Throw<SqliteException>().Which.Message.Should().Contain("job_events is append-only");
        connection.ExecuteScalar<long>("SELECT COUNT(*) FROM job_events").Should().Be(1);
    }

    [Theory]
    [InlineData("UPDATE audit_log SET actor = 'someone else'")]
    [InlineData("DELETE FROM audit_log")]
    public void The_audit_log_is_append_only(string sql)
    {
        writer.Write([new AuditAppended(new AuditEntry(now, "admin", "quota.set", "team:vision", null, "{\"gpus\":8}"))]);
        using var connection = temp.Raw();

        var act = () => connection.Execute(sql);

        act.Should().Throw<SqliteException>().Which.Message.Should().Contain("audit_log is append-only");
        new AuditStore(database).Recent().Should().ContainSingle().Which.Entry.Actor.Should().Be("admin");
    }

    [Fact]
    public void The_audit_log_refuses_text_that_is_not_json()
    {
        var act = () => writer.Write([new AuditAppended(new AuditEntry(now, "admin", "quota.set", "team:vision", "not json", null))]);

        act.Should().Throw<SqliteException>().Which.Message.Should().Contain("CHECK constraint failed");
    }

    private sealed record UnknownChange : ClusterChange;
}
