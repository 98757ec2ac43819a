namespace Dashboard.Scheduling.Accounting;

/// <summary>One team's or user's row of the usage table over a range.</summary>
/// <param name="Key">What the row is grouped by (a team, or "team/user").</param>
/// <param name="Held">Everything the group's jobs held inside the range (split exactly at its edges).</param>
/// <param name="Jobs">Jobs that first started inside the range.</param>
/// <param name="MeanWait">Their mean wait from submission to first start (null when none started).</param>
/// <param name="P95Wait">The 95th percentile of those waits (nearest rank).</param>
public sealed record UsageTotals(string Key, HeldAmount Held, int Jobs, TimeSpan? MeanWait, TimeSpan? P95Wait);

/// <summary>Adds up job segments into table rows: pure arithmetic over what the store read.</summary>
public static class UsageTotalling
{
    /// <summary>
    /// One row per key that held anything in [from, to) or started a job there, in ordinal key order. A segment still
    /// held counts up to <paramref name="now"/>.
    /// </summary>
    public static IReadOnlyList<UsageTotals> Total(IEnumerable<HeldSegment> segments, Func<HeldSegment, string> key, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(segments);
        ArgumentNullException.ThrowIfNull(key);
        var held = new Dictionary<string, HeldAmount>(StringComparer.Ordinal);
        var waits = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        foreach (var segment in segments)
        {
            var name = key(segment);
            var inside = UsageSplit.Within(segment, from, to, now);
            var started = segment.Attempt == 1 && segment.Start >= from && segment.Start < to;
            if (inside.Milliseconds == 0 && !started)
            {
                continue;
            }

            held[name] = held.GetValueOrDefault(name) + inside;
            if (started)
            {
                if (!waits.TryGetValue(name, out var list))
                {
                    waits[name] = list = [];
                }

                list.Add((long)segment.Wait.TotalMilliseconds);
            }
        }

        return [.. held.Keys.Order(StringComparer.Ordinal).Select(name =>
        {
            var list = waits.GetValueOrDefault(name) ?? [];
            list.Sort();
            return new UsageTotals(
                name,
                held[name],
                list.Count,
                list.Count == 0 ? null : TimeSpan.FromMilliseconds(list.Average()),
                list.Count == 0 ? null : TimeSpan.FromMilliseconds(NearestRank(list, 0.95)));
        })];
    }

    /// <summary>The nearest-rank percentile of sorted values: the smallest value with at least <paramref name="fraction"/> of them at or below it.</summary>
    public static long NearestRank(IReadOnlyList<long> sorted, double fraction)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            throw new ArgumentException("There is no percentile of no values.", nameof(sorted));
        }

        var rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
