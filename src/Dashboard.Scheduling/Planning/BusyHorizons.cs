namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Each node's busy horizon: the latest expected end (UTC ticks) of what runs on it, now for an idle node,
/// long.MaxValue once it runs a job with no walltime. The horizons live in <see cref="NodeCapacity"/> beside its
/// buckets of free GPUs, so horizon placement (<see cref="NodeCapacity.LeastExtendingFit"/>) can skip the nodes of a
/// bucket once none of them can score lower than the node it has found.
/// </summary>
internal sealed class BusyHorizons
{
    private readonly NodeCapacity capacity;

    public BusyHorizons(NodeCapacity capacity, DateTimeOffset now)
    {
        this.capacity = capacity;
        capacity.TrackHorizons(now.UtcTicks);
    }

    /// <summary>Pushes node <paramref name="node"/>'s horizon out to <paramref name="end"/> (no end: forever); a negative node is ignored.</summary>
    public void Extend(int node, DateTimeOffset? end) => capacity.ExtendHorizon(node, end?.UtcTicks ?? long.MaxValue);

    /// <summary>
    /// How well a job ending at <paramref name="endTicks"/> suits a node whose horizon is <paramref name="horizon"/>
    /// (lower is better): how far it would push the horizon out, plus a tenth of the slack when it ends before the
    /// horizon. Long jobs gather where long jobs already run, short ones fill the gaps of nodes that empty soon, and no
    /// node that is about to empty is pinned by a long small job, so whole nodes come free for large jobs. Never negative;
    /// it grows as the horizon moves away from <paramref name="endTicks"/> on either side.
    /// </summary>
    public static long Score(long horizon, long endTicks) =>
        endTicks >= horizon ? endTicks - horizon : (horizon - endTicks) / 10;
}
