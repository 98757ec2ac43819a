using System.Diagnostics;

namespace Dashboard.Bench.Scheduling;

/// <summary>Durations of repeated runs of one operation, with nearest-rank percentiles.</summary>
public sealed class Samples
{
    private readonly List<double> milliseconds = [];

    public int Count => milliseconds.Count;

    public void Add(TimeSpan elapsed) => milliseconds.Add(elapsed.TotalMilliseconds);

    public double Median => Percentile(50);

    public double P99 => Percentile(99);

    public double Max => milliseconds.Count == 0 ? double.NaN : milliseconds.Max();

    public double Total => milliseconds.Sum();

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
