using System.Globalization;
using System.Text.Json;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Execution.Isolation;

namespace Dashboard.Engine.Sessions;

/// <summary>
/// The processes of one session's job, as the executor recorded them in its launch record: everything in the job's
/// cgroups where it has them (a process the job started with <c>setsid</c> or as a daemon included), else the job's
/// supervisor and its descendants, the supervisor known by its pid and its start time (so a stranger that reused the
/// pid is nobody's supervisor).
/// </summary>
public sealed class SessionJobProcesses
{
    private readonly IReadOnlyList<string> cgroups;
    private readonly int supervisor;
    private readonly long supervisorStartTicks;

    private SessionJobProcesses(IReadOnlyList<string> cgroups, int supervisor, long supervisorStartTicks)
    {
        this.cgroups = cgroups;
        this.supervisor = supervisor;
        this.supervisorStartTicks = supervisorStartTicks;
    }

    /// <summary>A job's processes from its records folder's launch record; null before the executor wrote it.</summary>
    public static SessionJobProcesses? FromRecordsFolder(string? recordsFolder)
    {
        if (recordsFolder is null)
        {
            return null;
        }

        try
        {
            var record = JsonSerializer.Deserialize<LaunchRecord>(File.ReadAllText(Path.Combine(recordsFolder, JobRecordsFolder.LaunchFileName)));
            return record is null ? null : new SessionJobProcesses(record.Cgroups ?? [], record.Pid, record.StartTicks);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The processes in the cgroups whose folders are <paramref name="folders"/> (v1: one folder per controller).</summary>
    public static SessionJobProcesses OfCgroups(IReadOnlyList<string> folders) => new(folders, 0, 0);

    /// <summary>The process <paramref name="root"/> (as it runs now) and its descendants.</summary>
    public static SessionJobProcesses OfTree(int root) => new([], root, ProcessSignals.StartTicks(root) ?? -1);

    /// <summary>The job's living processes now: the cgroup's, else the supervisor's tree (empty once the supervisor is gone or its pid is someone else's).</summary>
    public IReadOnlyList<int> Pids()
    {
        if (cgroups.Count > 0)
        {
            return new JobCgroup(cgroups).Processes();
        }

        if (supervisor <= 1 || ProcessSignals.StartTicks(supervisor) != supervisorStartTicks)
        {
            return [];
        }

        return Descendants(supervisor);
    }

    /// <summary><paramref name="root"/> and every process below it, by each process's parent in /proc/{pid}/stat.</summary>
    private static List<int> Descendants(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var pid in ProcessSignals.AllPids())
        {
            if (ProcessSignals.ParentOf(pid) is not { } parent)
            {
                continue;
            }

            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(pid);
        }

        var found = new List<int> { root };
        for (var next = 0; next < found.Count; next++)
        {
            if (children.TryGetValue(found[next], out var below))
            {
                found.AddRange(below);
            }
        }

        return found;
    }
}
