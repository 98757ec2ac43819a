using Dapper;

namespace Dashboard.Data.Writing;

/// <summary>What one background checkpoint found: WAL frames in the log, and how many are now copied into the database file.</summary>
public readonly record struct CheckpointReport(bool Busy, long LogFrames, long CheckpointedFrames);

/// <summary>
/// Copies the write-ahead log back into the database file on its own connection, every <see cref="Interval"/>, so a
/// commit does not pay for it (SQLite otherwise checkpoints inside the commit that crosses 1,000 WAL pages, a
/// several-millisecond stall). Checkpoints are PASSIVE: they never block the writer or readers. A
/// <see cref="ClusterWriter"/> given a checkpointer keeps its own automatic checkpoint only as a safety net at
/// <see cref="SafetyNetPages"/>, which bounds the WAL if this one falls behind.
/// </summary>
public sealed class WalCheckpointer : IAsyncDisposable
{
    public const int SafetyNetPages = 10_000;

    private readonly Database database;
    private readonly Action<CheckpointReport>? checkpointed;
    private readonly CancellationTokenSource stop = new();
    private readonly PeriodicTimer timer;
    private readonly Task loop;

    public WalCheckpointer(Database database, TimeProvider time, TimeSpan? interval = null, Action<CheckpointReport>? checkpointed = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(time);
        this.database = database;
        this.checkpointed = checkpointed;
        Interval = interval ?? TimeSpan.FromMilliseconds(200);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Interval, TimeSpan.Zero);
        timer = new PeriodicTimer(Interval, time);
        loop = Task.Run(RunAsync);
    }

    public TimeSpan Interval { get; }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync().ConfigureAwait(false);
        await loop.ConfigureAwait(false);
        timer.Dispose();
        stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var connection = database.OpenConnection();
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                var report = Checkpoint(connection);
                checkpointed?.Invoke(report);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

#pragma warning disable CA1031 // A failed checkpoint is retried at the next tick; the writer's safety net bounds the WAL meanwhile.
    private static CheckpointReport Checkpoint(Microsoft.Data.Sqlite.SqliteConnection connection)
    {
        try
        {
            var (busy, log, done) = connection.QuerySingle<(long, long, long)>("PRAGMA wal_checkpoint(PASSIVE)");
            return new CheckpointReport(busy != 0, log, done);
        }
        catch (Exception)
        {
            return new CheckpointReport(Busy: true, -1, -1);
        }
    }
#pragma warning restore CA1031
}
