using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Bench.Scheduling;

/// <summary>
/// Durations of repeated runs of one operation, with nearest-rank percentiles: the one percentile code of every bench
/// (the other bench projects link this file).
/// </summary>
public sealed class Samples
{
    private readonly List<double> milliseconds = [];

    public int Count => milliseconds.Count;

    public void Add(TimeSpan elapsed) => milliseconds.Add(elapsed.TotalMilliseconds);

    public double Median => Percentile(50);

    public double P99 => Percentile(99);

    public double Max => milliseconds.Count == 0 ? double.NaN : milliseconds.Max();

    public double Total => milliseconds.Sum();

    /// <summary>One set holding every sample of <paramref name="parts"/> (each filled by its own thread).</summary>
    public static Samples Merge(IEnumerable<Samples> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var merged = new Samples();
        foreach (var part in parts)
        {
            merged.milliseconds.AddRange(part.milliseconds);
        }

        return merged;
    }

    /// <summary>Median, p99 and max to a hundredth of a millisecond, and the count.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"median {Median:0.00} ms, p99 {P99:0.00} ms, max {Percentile(100):0.00} ms (n={Count:N0})");

    public double Percentile(double percent)
    {
        if (milliseconds.Count == 0)
        {
            return double.NaN;
        }

        var sorted = milliseconds.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Times <paramref name="action"/> once and records it.</summary>
    public T Time<T>(Func<T> action)
    {
        var start = Stopwatch.GetTimestamp();
        var result = action();
        Add(Stopwatch.GetElapsedTime(start));
        return result;
    }
}
