namespace Dashboard.Scheduling.Accounting;

/// <summary>Picks a wait by its place among two sets of waits read apart: those rolled up and those not yet.</summary>
public static class LongestWaits
{
    /// <summary>
    /// The wait at <paramref name="place"/> (0 being the longest) among <paramref name="rolledLongestFirst"/> (already
    /// longest first, read lazily) and <paramref name="unrolled"/> (any order) together; null when there are not that many.
    /// </summary>
    public static long? At(IEnumerable<long> rolledLongestFirst, IReadOnlyList<long> unrolled, long place)
    {
        ArgumentNullException.ThrowIfNull(rolledLongestFirst);
        ArgumentNullException.ThrowIfNull(unrolled);
        var others = unrolled.OrderDescending().ToList();
        using var rolled = rolledLongestFirst.GetEnumerator();
        var next = 0;
        var hasRolled = rolled.MoveNext();
        for (var at = 0L; ; at++)
        {
            long wait;
            if (hasRolled && (next >= others.Count || rolled.Current >= others[next]))
            {
                wait = rolled.Current;
                hasRolled = rolled.MoveNext();
            }
            else if (next < others.Count)
            {
                wait = others[next++];
            }
            else
            {
                return null;
            }

            if (at == place)
            {
                return wait;
            }
        }
    }
}
