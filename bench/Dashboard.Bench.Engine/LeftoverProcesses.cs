using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Bench.Engine;

/// <summary>
/// Finds processes still working in the benchmark's folder (every job runs with its job folder as working
/// directory), so the benchmark can prove it left none behind, and ends them if it did.
/// </summary>
public static class LeftoverProcesses
{
    public static IReadOnlyList<int> Under(string folder)
    {
        var found = new List<int>();
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
                if (cwd is not null && cwd.StartsWith(folder, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return found;
    }

    /// <summary>Kills the processes the benchmark's jobs left (by pid, each found under <paramref name="folder"/>).</summary>
    public static int EndUnder(string folder)
    {
        var pids = Under(folder);
        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
            catch (Exception error) when (error is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Ended meanwhile.
            }
        }

        return pids.Count;
    }
}
