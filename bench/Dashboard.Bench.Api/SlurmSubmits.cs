using System.Diagnostics;

namespace Dashboard.Bench.Api;

/// <summary>
/// The same submits to Slurm with <c>sbatch</c>, where a Slurm cluster answers on this machine: each submit is one
/// sbatch process (as a script would run it), so its latency includes starting the process.
/// </summary>
public static class SlurmSubmits
{
    /// <summary>Null when sbatch can be used; otherwise why not, in words.</summary>
    public static async Task<string?> UnavailableAsync()
    {
        if (Which("sbatch") is null)
        {
            return "Slurm is not installed here (no sbatch on PATH): no side-by-side figure";
        }

        var (code, _, error) = await RunAsync("sinfo", ["-h", "-o", "%T"]).ConfigureAwait(false);
        return code == 0 ? null : $"Slurm is installed but no cluster answers (sinfo: {error.Trim()}): no side-by-side figure";
    }

    /// <summary>One <c>sbatch --wrap</c> of a job asking for the same resources as the API's submits; null when it was accepted.</summary>
    public static async Task<string?> SubmitAsync(int index)
    {
        var (code, output, error) = await RunAsync("sbatch", ["--parsable", "--job-name", $"bench-{index}", "--gres=gpu:1", "--cpus-per-task=1", "--mem=1G", "--time=60", "--output=/dev/null", "--wrap", "sleep 3600"]).ConfigureAwait(false);
        return code == 0 && output.Trim().Length > 0 ? null : $"sbatch exited {code}: {error.Trim()}";
    }

    /// <summary>One <c>sbatch --wrap true</c> (1 CPU, 64 MiB, no GPU) named <paramref name="name"/>: its Slurm job id, or why it failed.</summary>
    public static async Task<(string Id, string? Failure)> SubmitTrueAsync(string name)
    {
        var (code, output, error) = await RunAsync("sbatch", ["--parsable", "--job-name", name, "--cpus-per-task=1", "--mem=64M", "--time=5", "--output=/dev/null", "--wrap", "true"]).ConfigureAwait(false);
        var id = output.Trim().Split(';')[0];
        return code == 0 && id.Length > 0 ? (id, null) : (string.Empty, $"sbatch exited {code}: {error.Trim()}");
    }

    /// <summary>
    /// When Slurm started each job it still knows of (running, or ended less than <c>MinJobAge</c> ago), by job id, from
    /// <c>scontrol show job -o</c>; jobs not yet started are left out.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, DateTimeOffset>> StartTimesAsync()
    {
        var (_, output, _) = await RunAsync("scontrol", ["show", "job", "-o"]).ConfigureAwait(false);
        var starts = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split('=', 2))
                .Where(p => p.Length == 2)
                .GroupBy(p => p[0], StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
            if (fields.TryGetValue("JobId", out var id) && fields.TryGetValue("JobState", out var state) && state is not "PENDING"
                && fields.TryGetValue("StartTime", out var start)
                && DateTime.TryParseExact(start, "yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeLocal, out var local))
            {
                starts[id] = new DateTimeOffset(local);
            }
        }

        return starts;
    }

    /// <summary>Cancels every job this benchmark submitted (by name prefix), so the cluster is left as found.</summary>
    public static Task CancelAllAsync() => RunAsync("bash", ["-c", "squeue -h -o '%i %j' | awk '$2 ~ /^bench-/ {print $1}' | xargs -r scancel"]);

    private static string? Which(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    private static async Task<(int Code, string Output, string Error)> RunAsync(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }
}
