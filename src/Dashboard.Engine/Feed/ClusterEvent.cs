using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Feed;

/// <summary>Something that changed in one engine batch. Subscribers get them in order, after the batch committed.</summary>
public abstract record ClusterEvent(DateTimeOffset At);

public sealed record JobStateChangedEvent(JobId Job, string Owner, string Team, JobState From, JobState To, string? Reason, DateTimeOffset At) : ClusterEvent(At);

public sealed record AllocationMadeEvent(GpuAllocation Allocation, string Owner, string Team, DateTimeOffset At) : ClusterEvent(At);

public sealed record AllocationReleasedEvent(JobId Job, string Node, ImmutableArray<int> GpuIndices, DateTimeOffset At) : ClusterEvent(At);

public sealed record NodeChangedEvent(Node Node, string? Reason, DateTimeOffset At) : ClusterEvent(At);

public sealed record QuotaChangedEvent(TeamQuota Quota, DateTimeOffset At) : ClusterEvent(At);

/// <summary>
/// The state after one or more engine batches: the snapshot, its summary, why each pending job waits (computed off
/// the writer from an earlier or the same state: <see cref="ExplanationsAsOf"/> says when), and the
/// events since the subscriber's previous update (the newest <see cref="ClusterFeed.MaxEventsPerUpdate"/>; when
/// more happened, <see cref="EventsTruncated"/> says so and the snapshot is still complete).
/// </summary>
public sealed record ClusterUpdate(
    long Version,
    DateTimeOffset At,
    ClusterSnapshot Snapshot,
    ClusterSummary Summary,
    IReadOnlyDictionary<JobId, PendingExplanation> Explanations,
    ImmutableArray<ClusterEvent> Events,
    bool EventsTruncated = false)
{
    /// <summary>Each elastic pool's nodes and what it is doing (empty without pools).</summary>
    public ImmutableArray<ElasticPoolStatus> ElasticPools { get; init; } = [];

    /// <summary>
    /// When the state that <see cref="Explanations"/> were computed from was published (null: nothing explained
    /// yet); they may lag the snapshot by the time one explanation pass takes.
    /// </summary>
    public DateTimeOffset? ExplanationsAsOf { get; init; }

    /// <summary>The <see cref="Version"/> of the state the explanations were computed from (0: none yet).</summary>
    public long ExplanationsVersion { get; init; }
}
