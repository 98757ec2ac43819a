using Dapper;
using Dashboard.Data.Writing;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Writing;

public sealed class WalCheckpointerTests : IDisposable
{
    private readonly TempDatabase temp = new();
    private readonly Database database;

    public WalCheckpointerTests()
    {
        database = temp.Open();
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Each_interval_it_copies_the_whole_wal_into_the_database_file()
    {
        var reported = new TaskCompletionSource<CheckpointReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var checkpointer = new WalCheckpointer(database, temp.Time, TimeSpan.FromSeconds(1), r => reported.TrySetResult(r));
        using var writer = new ClusterWriter(database, checkpointer);
        var now = temp.Time.GetUtcNow();
        writer.Write([.. Enumerable.Range(1, 200).Select(i => new Dashboard.Data.Writing.JobSubmitted(Job(i, now)))]);

        temp.Time.Advance(TimeSpan.FromSeconds(1));
        var report = await reported.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        report.Busy.Should().BeFalse();
        report.LogFrames.Should().BePositive();
        report.CheckpointedFrames.Should().Be(report.LogFrames);
    }

    [Fact]
    public async Task A_writer_with_a_checkpointer_keeps_its_own_checkpoints_only_as_a_safety_net()
    {
        await using var checkpointer = new WalCheckpointer(database, temp.Time);
        using (var plain = new ClusterWriter(database))
        {
            plain.WalAutocheckpointPages().Should().Be(1000);
        }

        using (var relieved = new ClusterWriter(database, checkpointer))
        {
            relieved.WalAutocheckpointPages().Should().Be(WalCheckpointer.SafetyNetPages);
        }

        using var next = new ClusterWriter(database);
        next.WalAutocheckpointPages().Should().Be(1000, "a pooled connection must not keep another writer's setting");
        using var reader = database.OpenConnection();
        reader.ExecuteScalar<long>("PRAGMA wal_autocheckpoint").Should().Be(1000);
    }
}
