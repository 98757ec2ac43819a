namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The busy horizons (UTC ticks) of the nodes in one bucket of free GPUs, as a sorted list of distinct horizons with how
/// many nodes have each: horizon placement needs only the earliest and the latest (<see cref="NodeCapacity"/>'s bound).
/// A pass's horizons take few distinct values (now, and now plus the walltimes it starts), so adding or removing a node
/// is a binary search and a count, with no allocation once the lists have grown; a sorted set of (horizon, node) pairs
/// allocated a tree node for every move of a node between buckets and cost the empty-cluster pass about a fifth.
/// </summary>
internal sealed class HorizonCounts
{
    private readonly List<long> horizons;
    private readonly List<int> counts;

    public HorizonCounts()
    {
        horizons = [];
        counts = [];
    }

    private HorizonCounts(HorizonCounts other)
    {
        horizons = [.. other.horizons];
        counts = [.. other.counts];
    }

    /// <summary>Whether no node is counted.</summary>
    public bool IsEmpty => horizons.Count == 0;

    /// <summary>The earliest horizon counted; only when not <see cref="IsEmpty"/>.</summary>
    public long Earliest => horizons[0];

    /// <summary>The latest horizon counted; only when not <see cref="IsEmpty"/>.</summary>
    public long Latest => horizons[^1];

    public HorizonCounts Clone() => new(this);

    /// <summary>Counts one more node at <paramref name="horizon"/>.</summary>
    public void Add(long horizon)
    {
        var at = horizons.BinarySearch(horizon);
        if (at >= 0)
        {
            counts[at]++;
            return;
        }

        horizons.Insert(~at, horizon);
        counts.Insert(~at, 1);
    }

    /// <summary>Counts one node fewer at <paramref name="horizon"/>, which must have been added.</summary>
    public void Remove(long horizon)
    {
        var at = horizons.BinarySearch(horizon);
        if (at < 0)
        {
            throw new InvalidOperationException($"No node has the horizon {horizon} in this bucket.");
        }

        if (--counts[at] == 0)
        {
            horizons.RemoveAt(at);
            counts.RemoveAt(at);
        }
    }
}
