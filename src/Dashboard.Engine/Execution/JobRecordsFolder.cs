using System.Globalization;
using System.Text.Json;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>
/// What the executor trusts about a job, kept out of the job's reach (a server-only folder, mode 0700, hidden from
/// the sandbox): the supervisor script, the launch record (pid and process start time, so a restarted server tells
/// its process from a stranger that reused the pid; pinned cores; cgroups) and the exit code the supervisor writes
/// when the workload ends, whether or not the server is up to see it.
/// </summary>
public sealed class JobRecordsFolder(string recordsRoot, JobId job)
{
    public const string SupervisorFileName = "supervise.sh";
    public const string ExitCodeFileName = "exit_code";
    public const string LaunchFileName = "launch.json";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// The supervisor runs as the server's user, outside the sandbox, in its own session. It starts the workload in
    /// the background from a subshell (no extra shell program: the subshell joins the job's cgroups itself, writing 0
    /// to each cgroup.procs, goes to the job's folder and execs the workload, its output appended to the log) and waits
    /// for it, so a SIGTERM to the group reaches the workload while the supervisor (which only traps it) survives to
    /// record the exit code, written by the shell itself in one write of a few bytes (no extra process): a reader finds
    /// no file, an empty one (read as no code yet) or the whole code, never a part of it.
    /// Arguments: log file, job folder, the cgroup.procs files to join (space separated), 1 to start the workload with
    /// SIGTERM ignored (bwrap; the workload resets it), then the workload's command line.
    /// </summary>
    public const string SupervisorScript = """
        #!/bin/sh
        # Written by Compute Dashboard: supervises one job from outside its sandbox and records its exit code.
        exec < /dev/null
        trap 'stopping=1' TERM
        log=$1 work=$2 cgroups=$3 ignore_term=$4
        shift 4
        # The server made the log a plain file just now; a link in its place (the job's folder is the job's) is not followed.
        if [ -L "$log" ] || [ ! -f "$log" ]; then echo 125 > exit_code; exit 125; fi
        (
          for f in $cgroups; do echo 0 > "$f" || exit 125; done
          cd "$work" || exit 125
          [ "$ignore_term" = 1 ] && trap "" TERM
          exec "$@"
        ) >> "$log" 2>&1 &
        child=$!
        wait "$child"
        code=$?
        while kill -0 "$child" 2>/dev/null; do
          wait "$child"
          code=$?
        done
        echo "$code" > exit_code
        """;

    public string Path { get; } = System.IO.Path.Combine(recordsRoot, job.Value.ToString(CultureInfo.InvariantCulture));

    public string SupervisorPath => System.IO.Path.Combine(Path, SupervisorFileName);

    public string ExitCodePath => System.IO.Path.Combine(Path, ExitCodeFileName);

    public string LaunchPath => System.IO.Path.Combine(Path, LaunchFileName);

    /// <summary>Creates the folder (and the records root) with mode 0700 and writes the supervisor; a stale exit code is removed.</summary>
    public void Create()
    {
        var root = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(root);
        UnixFiles.SetMode(root, OwnerOnly);
        Directory.CreateDirectory(Path);
        UnixFiles.SetMode(Path, OwnerOnly);
        File.Delete(ExitCodePath);
        File.WriteAllText(SupervisorPath, SupervisorScript.ReplaceLineEndings("\n") + "\n");
    }

    /// <summary>The code the supervisor recorded, or null when it has not (yet) written one.</summary>
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
/// The process that supervises a job: its pid (the leader of the job's process group), that process's start time in
/// clock ticks since boot, the host cores it is pinned to (empty when not pinned) and the job's cgroup folders
/// (empty without cgroups).
/// </summary>
public sealed record LaunchRecord(int Pid, long StartTicks, IReadOnlyList<int>? Cores = null, IReadOnlyList<string>? Cgroups = null);
