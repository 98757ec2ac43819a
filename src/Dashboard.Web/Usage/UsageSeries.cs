using Dashboard.Data.UsageHistory;

namespace Dashboard.Web.Usage;

/// <summary>One team's or member's line of the charts: mean GPUs allocated and GPUs actually busy per bucket.</summary>
/// <param name="Key">The subject's <see cref="UsageKey"/>.</param>
/// <param name="Used">GPUs busy (allocated times utilisation) per bucket, where utilisation was reported.</param>
public sealed record SubjectSeries(string Key, string Team, string? User, double[] Allocated, double[] Used, long GpuMinutes, long MeasuredGpuMinutes, double UsedGpuMinutes, bool Simulated)
{
    public string Label => User is null ? Team : $"{User} ({Team})";

    /// <summary>Used over allocated, in percent, over the GPU time whose utilisation was reported; null when none was.</summary>
    public double? EfficiencyPct => MeasuredGpuMinutes == 0 ? null : 100.0 * UsedGpuMinutes / MeasuredGpuMinutes;
}

/// <summary>The charts' data: bucket starts, one series per subject (largest first), and the cluster's GPU capacity.</summary>
public sealed record UsageSeries(UsageQuery Query, IReadOnlyList<DateTimeOffset> Buckets, IReadOnlyList<SubjectSeries> Subjects, int CapacityGpus)
{
    public bool Simulated => Subjects.Any(s => s.Simulated);

    public double GpuHours => Subjects.Sum(s => s.GpuMinutes) / 60.0;

    /// <summary>The teams' reserved time in the range (none for a member's own view, or when nothing was reserved).</summary>
    public ReservedTime? Reserved { get; init; }
}

/// <summary>
/// Turns sample points into chart buckets: pure arithmetic. A bucket's value is its GPU-minutes divided by the
/// minutes of the bucket that lie inside the range, i.e. the mean number of GPUs held over that time.
/// </summary>
public static class UsageSeriesBuilder
{
    public static UsageSeries Build(UsageQuery query, IEnumerable<UtilisationPoint> points, int capacityGpus)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(points);
        var bucketMs = (long)query.Bucket.TotalMilliseconds;
        var fromMs = query.From.ToUnixTimeMilliseconds();
        var toMs = query.To.ToUnixTimeMilliseconds();
        var count = (int)Math.Max(0, (toMs - fromMs + bucketMs - 1) / bucketMs);
        var buckets = Enumerable.Range(0, count).Select(i => query.From + (query.Bucket * i)).ToList();
        var subjects = new Dictionary<string, Accumulator>(StringComparer.Ordinal);
        foreach (var point in points)
        {
            var index = (int)((point.Start.ToUnixTimeMilliseconds() - fromMs) / bucketMs);
            if (index < 0 || index >= count)
            {
                continue;
            }

            var key = UsageKey.Of(point.Team, query.Group == UsageGrouping.User ? point.User : null);
            if (!subjects.TryGetValue(key, out var subject))
            {
                subjects[key] = subject = new Accumulator(point.Team, query.Group == UsageGrouping.User ? point.User : null, count);
            }

            subject.GpuMinutes[index] += point.GpuMinutes;
            subject.UsedMinutes[index] += point.UsedGpuMinutes;
            subject.MeasuredMinutes += point.MeasuredGpuMinutes;
            subject.Simulated |= point.Simulated;
        }

        var minutesIn = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = fromMs + (i * bucketMs);
            minutesIn[i] = (Math.Min(toMs, start + bucketMs) - start) / 60_000.0;
        }

        var series = subjects
            .Select(s => new SubjectSeries(
                s.Key,
                s.Value.Team,
                s.Value.User,
                [.. s.Value.GpuMinutes.Select((m, i) => minutesIn[i] > 0 ? m / minutesIn[i] : 0)],
                [.. s.Value.UsedMinutes.Select((m, i) => minutesIn[i] > 0 ? m / minutesIn[i] : 0)],
                s.Value.GpuMinutes.Sum(),
                s.Value.MeasuredMinutes,
                s.Value.UsedMinutes.Sum(),
                s.Value.Simulated))
            .OrderByDescending(s => s.GpuMinutes)
            .ThenBy(s => s.Key, StringComparer.Ordinal)
            .ToList();
        return new UsageSeries(query, buckets, series, capacityGpus);
    }

    private sealed class Accumulator(string team, string? user, int count)
    {
        public string Team { get; } = team;

        public string? User { get; } = user;

        public long[] GpuMinutes { get; } = new long[count];

        public double[] UsedMinutes { get; } = new double[count];

        public long MeasuredMinutes { get; set; }

        public bool Simulated { get; set; }
    }
}

/// <summary>The key of a row or series: the team, or the team and user with a separator no name contains.</summary>
public static class UsageKey
{
    public const char Separator = '\u001F';

    public static string Of(string team, string? user) => user is null ? team : team + Separator + user;

    public static (string Team, string? User) Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var at = key.IndexOf(Separator, StringComparison.Ordinal);
        return at < 0 ? (key, null) : (key[..at], key[(at + 1)..]);
    }
}
