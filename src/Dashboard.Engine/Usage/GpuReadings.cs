using System.Collections.Immutable;
using System.Globalization;

namespace Dashboard.Engine.Usage;

/// <summary>What one GPU reported at a sample: utilisation (percent) and memory in use (MiB).</summary>
public readonly record struct GpuReading(double UtilisationPct, long MemoryUsedMiB);

/// <summary>Where measured GPU readings come from (nvidia-smi on this host); empty when nothing reports.</summary>
public interface IGpuReadingSource
{
    /// <summary>Readings by (node, GPU index) for the nodes this source can measure.</summary>
    Task<IReadOnlyDictionary<(string Node, int Index), GpuReading>> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>No measured readings (tests, or hosts without nvidia-smi).</summary>
public sealed class NoGpuReadings : IGpuReadingSource
{
    public static readonly IReadOnlyDictionary<(string Node, int Index), GpuReading> None = ImmutableDictionary<(string, int), GpuReading>.Empty;

    public Task<IReadOnlyDictionary<(string Node, int Index), GpuReading>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(None);
}

/// <summary>
/// Reads <c>nvidia-smi --query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits</c>: lines such
/// as <c>0, 87, 40960</c>. A GPU that says <c>[N/A]</c> or <c>[Not Supported]</c> has no reading; lines that are not
/// GPU rows are skipped.
/// </summary>
public static class NvidiaSmiUtilisationParser
{
    public const string QueryArguments = "--query-gpu=index,utilization.gpu,memory.used --format=csv,noheader,nounits";

    public static IReadOnlyDictionary<int, GpuReading> Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var readings = new Dictionary<int, GpuReading>();
        foreach (var rawLine in output.Split('\n'))
        {
            var fields = rawLine.Trim().Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length != 3
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || !double.TryParse(fields[1].Replace("%", "", StringComparison.Ordinal).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var pct)
                || !long.TryParse(fields[2].Replace("MiB", "", StringComparison.Ordinal).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var used)
                || pct is < 0 or > 100)
            {
                continue;
            }

            readings[index] = new GpuReading(pct, used);
        }

        return readings;
    }
}

/// <summary>
/// Simulated readings for demo nodes: a steady per-job efficiency (35-95 %) with a little minute-to-minute noise,
/// and memory in use that follows it. Deterministic in (job, GPU, minute), so a test or a rerun sees the same.
/// </summary>
public static class SimulatedGpuReadings
{
    public static GpuReading For(long job, int gpuIndex, DateTimeOffset minute, long gpuMemoryMiB)
    {
        var efficiency = JobEfficiency(job);
        var noise = (Mix((ulong)job * 31 + (ulong)gpuIndex, (ulong)minute.ToUnixTimeSeconds() / 60) % 1000) / 1000.0 * 10 - 5;
        var pct = Math.Round(Math.Clamp(efficiency * 100 + noise, 0, 100), 1);
        return new GpuReading(pct, (long)(gpuMemoryMiB * Math.Clamp(0.25 + (pct / 100 * 0.7), 0, 1)));
    }

    /// <summary>A job's typical GPU utilisation on demo nodes, 0.35 to 0.95.</summary>
    public static double JobEfficiency(long job) => 0.35 + ((Mix((ulong)job, 0x5DEECE66DUL) % 601) / 1000.0);

    private static ulong Mix(ulong a, ulong b)
    {
        var x = (a * 0x9E3779B97F4A7C15UL) ^ (b + 0xBF58476D1CE4E5B9UL + (a << 6) + (a >> 2));
        x ^= x >> 31;
        x *= 0x94D049BB133111EBUL;
        return x ^ (x >> 29);
    }
}
