using Dashboard.Data.Writing;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>Where the engine loop makes a batch's changes durable, all in one transaction.</summary>
public interface IClusterJournal
{
    Task CommitAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken);
}

/// <summary>
/// The state the engine starts from: what the database holds and the next job id to hand out; the nodes discovered
/// at start-up (reconciled in the first batch); and the team quotas to create when the database has none yet.
/// </summary>
public sealed record RecoveredState(ClusterSnapshot Snapshot, long NextJobId)
{
    public IReadOnlyList<Node> Inventory { get; init; } = [];

    public IReadOnlyList<TeamQuota> SeedQuotas { get; init; } = [];

    /// <summary>Running jobs a person asked to cancel before the restart, with that request's reason.</summary>
    public IReadOnlyDictionary<JobId, string> CancelsInFlight { get; init; } = new Dictionary<JobId, string>();

    /// <summary>The elastic pools an admin paused.</summary>
    public IReadOnlySet<string> PausedPools { get; init; } = new HashSet<string>();

    /// <summary>The elastic pools' latest scale actions, oldest first (their last errors and failure back-offs carry over).</summary>
    public IReadOnlyList<ScaleAction> ScaleHistory { get; init; } = [];

    /// <summary>The id the next advance reservation gets (the stored ones' highest plus one).</summary>
    public long NextReservationId { get; init; } = 1;
}

/// <summary>Loads the engine's starting state (from the database, on start-up).</summary>
public interface IClusterStateSource
{
    Task<RecoveredState> LoadAsync(CancellationToken cancellationToken);
}
