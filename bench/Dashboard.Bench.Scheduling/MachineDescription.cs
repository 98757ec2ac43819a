using System.Runtime;
using System.Runtime.InteropServices;

namespace Dashboard.Bench.Scheduling;

/// <summary>What the figures were measured on; a figure without its machine means little.</summary>
public static class MachineDescription
{
    public static IEnumerable<string> Lines()
    {
        yield return $"machine : {CpuModel()}, {Environment.ProcessorCount} logical cores, {TotalMemoryGiB()}";
        yield return $"os      : {RuntimeInformation.OSDescription} ({RuntimeInformation.OSArchitecture})";
        yield return $".NET    : {RuntimeInformation.FrameworkDescription}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC, " +
            $"{(IsOptimised() ? "optimised build" : "DEBUG BUILD: figures are not meaningful, use -c Release")}";
    }

    /// <summary>The 1-minute load average against the core count: above the cores, other processes took turns with the bench.</summary>
    public static string Load()
    {
        const string loadAverage = "/proc/loadavg";
        if (!File.Exists(loadAverage))
        {
            return "load    : unknown";
        }

        var oneMinute = File.ReadAllText(loadAverage).Split(' ')[0];
        var busy = double.TryParse(oneMinute, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var load)
            && load > Environment.ProcessorCount - 0.5;
        return $"load    : 1-minute load average {oneMinute} on {Environment.ProcessorCount} cores{(busy ? " (other processes compete for the CPU: expect noisy figures)" : string.Empty)}";
    }

    public static bool IsOptimised()
    {
        var debuggable = typeof(MachineDescription).Assembly
            .GetCustomAttributes(typeof(System.Diagnostics.DebuggableAttribute), false)
            .OfType<System.Diagnostics.DebuggableAttribute>()
            .FirstOrDefault();
        return debuggable is null || !debuggable.IsJITOptimizerDisabled;
    }

    private static string CpuModel()
    {
        const string cpuInfo = "/proc/cpuinfo";
        if (File.Exists(cpuInfo))
        {
            var line = File.ReadLines(cpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line is not null && line.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0)
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static string TotalMemoryGiB()
    {
        var bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return $"{bytes / (1024.0 * 1024 * 1024):0.#} GiB memory";
    }
}
