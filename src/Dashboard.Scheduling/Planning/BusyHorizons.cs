namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Each node's busy horizon, by node index: the latest expected end (UTC ticks) of what runs on it, now for an idle
/// node, long.MaxValue once it runs a job with no walltime.
/// </summary>
internal sealed class BusyHorizons
{
    private readonly long[] horizons;

    public BusyHorizons(int nodes, DateTimeOffset now)
    {
        horizons = new long[nodes];
        Array.Fill(horizons, now.UtcTicks);
    }

    /// <summary>Pushes node <paramref name="node"/>'s horizon out to <paramref name="end"/> (no end: forever); a negative node is ignored.</summary>
    public void Extend(int node, DateTimeOffset? end)
    {
        if (node >= 0)
        {
            horizons[node] = Math.Max(horizons[node], end?.UtcTicks ?? long.MaxValue);
        }
    }

    /// <summary>
    /// How well a job ending at <paramref name="endTicks"/> suits <paramref name="node"/> in time (lower is better): how
    /// far it would push the node's busy horizon out, plus a tenth of the slack when it ends before the horizon. Long
    /// jobs gather where long jobs already run, short ones fill the gaps of nodes that empty soon, and no node that is
    /// about to empty is pinned by a long small job, so whole nodes come free for large jobs.
    /// </summary>
    public long Score(int node, long endTicks)
    {
        var horizon = horizons[node];
        return endTicks >= horizon ? endTicks - horizon : (horizon - endTicks) / 10;
    }
}
