using Dashboard.Data.UsageHistory;

namespace Dashboard.Web.Usage;

/// <summary>One team's reserved time in the range: GPU-hours its reservations kept, and those of them no job of the team ran on.</summary>
public sealed record ReservedTotals(double ReservedGpuHours, double IdleGpuHours)
{
    /// <summary>Reserved GPU-hours the team's jobs ran on.</summary>
    public double UsedGpuHours => ReservedGpuHours - IdleGpuHours;
}

/// <summary>
/// The range's reserved time: per chart bucket the mean GPUs kept by the teams' open reservation windows and the
/// mean of them idle (no job of the team on them), and the totals per team. Sampled once a minute, so GPU-hours are
/// whole GPU-minutes over 60.
/// </summary>
public sealed record ReservedTime(double[] Reserved, double[] Idle, IReadOnlyDictionary<string, ReservedTotals> ByTeam)
{
    public bool Any => ByTeam.Count > 0;

    public double ReservedGpuHours => ByTeam.Values.Sum(t => t.ReservedGpuHours);

    public double IdleGpuHours => ByTeam.Values.Sum(t => t.IdleGpuHours);
}

/// <summary>Reserved points into chart buckets and team totals: pure arithmetic, as <see cref="UsageSeriesBuilder"/>.</summary>
public static class ReservedTimeBuilder
{
    public static ReservedTime Build(UsageQuery query, IEnumerable<ReservedPoint> points)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(points);
        var bucketMs = (long)query.Bucket.TotalMilliseconds;
        var fromMs = query.From.ToUnixTimeMilliseconds();
        var toMs = query.To.ToUnixTimeMilliseconds();
        var count = (int)Math.Max(0, (toMs - fromMs + bucketMs - 1) / bucketMs);
        var reserved = new double[count];
        var idle = new double[count];
        var teams = new SortedDictionary<string, (long Reserved, long Idle)>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            var index = (int)((point.Start.ToUnixTimeMilliseconds() - fromMs) / bucketMs);
            if (index < 0 || index >= count)
            {
                continue;
            }

            reserved[index] += point.ReservedGpuMinutes;
            idle[index] += point.IdleGpuMinutes;
            var (r, i) = teams.GetValueOrDefault(point.Team);
            teams[point.Team] = (r + point.ReservedGpuMinutes, i + point.IdleGpuMinutes);
        }

        for (var b = 0; b < count; b++)
        {
            var start = fromMs + (b * bucketMs);
            var minutes = (Math.Min(toMs, start + bucketMs) - start) / 60_000.0;
            reserved[b] = minutes > 0 ? reserved[b] / minutes : 0;
            idle[b] = minutes > 0 ? idle[b] / minutes : 0;
        }

        return new ReservedTime(reserved, idle, teams.ToDictionary(t => t.Key, t => new ReservedTotals(t.Value.Reserved / 60.0, t.Value.Idle / 60.0), StringComparer.Ordinal));
    }
}
