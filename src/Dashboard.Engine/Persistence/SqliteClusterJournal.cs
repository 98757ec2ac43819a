using Dashboard.Data.Writing;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Metrics;

namespace Dashboard.Engine.Persistence;

/// <summary>
/// The engine's journal on SQLite: each batch is written by the one <see cref="ClusterWriter"/> in one transaction,
/// on the engine loop's own thread (the loop is the group commit: commands that arrived while the previous batch
/// committed form the next one).
/// </summary>
/// <remarks>With <paramref name="metrics"/>, each commit's duration is recorded, measured on <paramref name="time"/>.</remarks>
public sealed class SqliteClusterJournal(ClusterWriter writer, TimeProvider? time = null, EngineMetrics? metrics = null) : IClusterJournal
{
    /// <summary>How many transactions were committed (one per engine batch with changes).</summary>
    public long Transactions { get; private set; }

    public Task CommitAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        var clock = time ?? TimeProvider.System;
        var started = clock.GetTimestamp();
        writer.Write(changes);
        metrics?.CommitTook(clock.GetElapsedTime(started));
        Transactions++;
        return Task.CompletedTask;
    }
}
