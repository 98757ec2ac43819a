namespace Dashboard.Scheduling.Accounting;

/// <summary>
/// A range [from, to) in Unix milliseconds as the job-day roll-ups read it: its whole UTC days [FirstDay, LastDay),
/// answered from the day rows, and the partial days at its edges (none, one or two), read allocation by allocation.
/// </summary>
public sealed record WholeDays(long FirstDay, long LastDay, IReadOnlyList<(long From, long To)> Edges)
{
    public const long DayMs = 86_400_000;

    /// <summary>Whether the range holds at least one whole UTC day.</summary>
    public bool Any => FirstDay < LastDay;

    public static WholeDays Of(long fromMs, long toMs)
    {
        var firstDay = UsageSplit.AlignDown(fromMs + DayMs - 1, DayMs);
        var lastDay = UsageSplit.AlignDown(toMs, DayMs);
        var edges = new List<(long From, long To)>(2);
        if (fromMs < firstDay)
        {
            edges.Add((fromMs, firstDay));
        }

        if (lastDay < toMs)
        {
            edges.Add((lastDay, toMs));
        }

        return new WholeDays(firstDay, lastDay, edges);
    }
}
