using System.Globalization;
using System.Text.Json;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>
/// A job's own folder on the local host: the wrapper script, its output log, the launch record (pid and process
/// start time, so a restarted server can tell its process from a stranger that reused the pid) and the exit code
/// the wrapper writes when the workload ends, whether or not the server is up to see it.
/// </summary>
public sealed class JobWorkFolder(string jobsRoot, JobId job)
{
    public const string WrapperFileName = "run.sh";
    public const string LogFileName = "output.log";
    public const string ExitCodeFileName = "exit_code";
    public const string LaunchFileName = "launch.json";

    public string Path { get; } = System.IO.Path.Combine(jobsRoot, job.Value.ToString(CultureInfo.InvariantCulture));

    public string WrapperPath => System.IO.Path.Combine(Path, WrapperFileName);

    public string LogPath => System.IO.Path.Combine(Path, LogFileName);

    public string ExitCodePath => System.IO.Path.Combine(Path, ExitCodeFileName);

    public string LaunchPath => System.IO.Path.Combine(Path, LaunchFileName);

    /// <summary>
    /// The wrapper runs the command in the background and waits for it, so a SIGTERM to the group reaches the
    /// workload while the wrapper (which only traps it) survives to record the exit code; the code is written to a
    /// temporary file and renamed, so a reader never sees half of it.
    /// </summary>
    public const string WrapperScript = """
        #!/bin/sh
        # Written by Compute Dashboard: runs one job and records its exit code.
        exec < /dev/null
        trap 'stopping=1' TERM
        sh -c "$1" >> output.log 2>&1 &
        child=$!
        wait "$child"
        code=$?
        while kill -0 "$child" 2>/dev/null; do
          wait "$child"
          code=$?
        done
        echo "$code" > exit_code.tmp
        mv exit_code.tmp exit_code
        """;

    public void Create()
    {
        Directory.CreateDirectory(Path);
        File.WriteAllText(WrapperPath, WrapperScript.ReplaceLineEndings("\n") + "\n");
    }

    /// <summary>The code the wrapper recorded, or null when it has not (yet) written one.</summary>
    public int? ReadExitCode()
    {
        if (!File.Exists(ExitCodePath))
        {
            return null;
        }

        var text = File.ReadAllText(ExitCodePath).Trim();
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code) ? code : null;
    }

    public void WriteLaunch(LaunchRecord record) => File.WriteAllText(LaunchPath, JsonSerializer.Serialize(record));

    public LaunchRecord? ReadLaunch()
    {
        if (!File.Exists(LaunchPath))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<LaunchRecord>(File.ReadAllText(LaunchPath));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// The process that runs a job: its group leader pid, that process's start time in clock ticks since boot, and the
/// host cores it is pinned to (empty when not pinned).
/// </summary>
public sealed record LaunchRecord(int Pid, long StartTicks, IReadOnlyList<int>? Cores = null);
