using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The jobs a pass's first walk decided, one bit per job by (team number, position in the team's ordered queue): the
/// second walk meets the same jobs in the same order and skips these (a hash set of ~100,000 ids was rebuilt each
/// pass).
/// </summary>
internal sealed class DecidedJobs
{
    private readonly ulong[] bits;

    /// <summary>Each team's first bit, by team number (the order of <see cref="PendingQueue.ByTeam"/>).</summary>
    private readonly int[] teamOffsets;

    public DecidedJobs(PendingQueue pending)
    {
        teamOffsets = new int[pending.ByTeam.Count];
        var offset = 0;
        var number = 0;
        foreach (var queue in pending.ByTeam.Values)
        {
            teamOffsets[number++] = offset;
            offset += queue.Count;
        }

        bits = new ulong[(offset + 63) / 64];
    }

    public bool Contains(int team, int position)
    {
        var bit = teamOffsets[team] + position;
        return (bits[bit >> 6] & (1UL << bit)) != 0;
    }

    public void Add(int team, int position)
    {
        var bit = teamOffsets[team] + position;
        bits[bit >> 6] |= 1UL << bit;
    }
}
