using System.Globalization;

namespace Dashboard.Bench.Persistence;

/// <summary>Collected durations, summarised as median, p99 and max in milliseconds.</summary>
public sealed class LatencyDistribution
{
    private readonly List<double> milliseconds = [];

    public int Count => milliseconds.Count;

    public void Add(TimeSpan duration) => milliseconds.Add(duration.TotalMilliseconds);

    /// <summary>One distribution holding every sample of <paramref name="parts"/> (each filled by its own thread).</summary>
    public static LatencyDistribution Merge(IEnumerable<LatencyDistribution> parts)
    {
        var merged = new LatencyDistribution();
        foreach (var part in parts)
        {
            merged.milliseconds.AddRange(part.milliseconds);
        }

        return merged;
    }

    public double Percentile(double p)
    {
        if (milliseconds.Count == 0)
        {
            return double.NaN;
        }

        milliseconds.Sort();
        var rank = (int)Math.Ceiling(p / 100 * milliseconds.Count) - 1;
        return milliseconds[Math.Clamp(rank, 0, milliseconds.Count - 1)];
    }

    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"median {Percentile(50):0.00} ms, p99 {Percentile(99):0.00} ms, max {Percentile(100):0.00} ms (n={Count:N0})");
}
