using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Recovery;

/// <summary>
/// The engine's state rebuilt from the database: the snapshot to resume from, the id the next job gets, and every
/// broken safety rule found (empty when the state is sound; see <see cref="Scheduling.Planning.SnapshotInvariants"/>).
/// </summary>
public sealed record RecoveredCluster(ClusterSnapshot Snapshot, JobId NextJobId, IReadOnlyList<string> Violations);
