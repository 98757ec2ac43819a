using System.Collections.Immutable;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// Everything the scheduler may look at, frozen at one instant. <see cref="Scheduler.Plan"/> is a function of
/// this and the current time only.
/// </summary>
public sealed record ClusterSnapshot(
    ImmutableArray<Node> Nodes,
    ImmutableArray<TeamQuota> Quotas,
    PendingQueue Pending,
    ImmutableArray<RunningJob> Running,
    ImmutableArray<TeamUsage> Usage,
    SchedulerSettings Settings)
{
    public static ClusterSnapshot Empty { get; } = new([], [], PendingQueue.Empty, [], [], SchedulerSettings.Default);

    /// <summary>
    /// One node in the shape of each elastic pool that may grow: nodes the cluster could have, never placed on. Only
    /// the never-fits check counts them, so a job that fits a pool's node (but no current node) waits instead of
    /// being refused.
    /// </summary>
    public ImmutableArray<Node> ElasticNodeShapes { get; init; } = [];
}

/// <summary>The knobs of a scheduling pass.</summary>
public sealed record SchedulerSettings(
    TimeSpan FairShareHalfLife,
    int BackfillDepth,
    bool ExplainAllPending)
{
    /// <summary>Seven-day half-life, reservations for the 100 highest blocked jobs, an explanation for every pending job.</summary>
    public static SchedulerSettings Default { get; } = new(TimeSpan.FromDays(7), 100, ExplainAllPending: true);
}
