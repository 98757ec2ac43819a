using Dashboard.Data.Writing;
using Dashboard.Engine.Loop;

namespace Dashboard.Engine.Persistence;

/// <summary>
/// The engine's journal on SQLite: each batch is written by the one <see cref="ClusterWriter"/> in one transaction,
/// on the engine loop's own thread (the loop is the group commit: commands that arrived while the previous batch
/// committed form the next one).
/// </summary>
public sealed class SqliteClusterJournal(ClusterWriter writer) : IClusterJournal
{
    /// <summary>How many transactions were committed (one per engine batch with changes).</summary>
    public long Transactions { get; private set; }

    public Task CommitAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        writer.Write(changes);
        Transactions++;
        return Task.CompletedTask;
    }
}
