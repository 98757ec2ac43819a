using System.Globalization;
using System.Runtime.InteropServices;

namespace Dashboard.Engine.Execution;

/// <summary>POSIX signals to whole process groups, and the kernel's record of when a process started.</summary>
internal static partial class ProcessSignals
{
    public const int SigTerm = 15;
    public const int SigKill = 9;

    /// <summary>
    /// Sends <paramref name="signal"/> to every process in the group led by <paramref name="groupLeader"/>. Never to a
    /// group that is not a job's: 0 and 1 (kill(2) reads -0 as the caller's own group and -1 as every process it may
    /// signal) and the server's own group are refused (false), whatever a launch record says.
    /// </summary>
    public static bool SignalGroup(int groupLeader, int signal) => IsJobGroup(groupLeader) && Kill(-groupLeader, signal) == 0;

    /// <summary>Sends <paramref name="signal"/> to one process; never to init, to no process (0) or to the server itself.</summary>
    public static bool Signal(int pid, int signal) => pid > 1 && pid != Environment.ProcessId && Kill(pid, signal) == 0;

    /// <summary>Whether any process of the group is still alive (false for a group that cannot be a job's).</summary>
    public static bool GroupAlive(int groupLeader) => IsJobGroup(groupLeader) && Kill(-groupLeader, 0) == 0;

    public static bool ProcessAlive(int pid) => pid > 0 && Kill(pid, 0) == 0 && !IsZombie(pid);

    /// <summary>A job's supervisor leads its own group: never 0, 1, the server's process or the server's group.</summary>
    private static bool IsJobGroup(int groupLeader) =>
        groupLeader > 1 && groupLeader != Environment.ProcessId && groupLeader != GroupOf(Environment.ProcessId);

    /// <summary>The process's start time in clock ticks since boot (field 22 of /proc/PID/stat); null when it is gone.</summary>
    public static long? StartTicks(int pid) =>
        StatFields(pid) is { } fields && long.TryParse(fields[22 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;

    /// <summary>The parent of <paramref name="pid"/> (field 4 of /proc/PID/stat); null when it is gone.</summary>
    public static int? ParentOf(int pid) =>
        StatFields(pid) is { } fields && int.TryParse(fields[4 - 3], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;

    /// <summary>Every process id /proc lists now.</summary>
    public static IEnumerable<int> AllPids()
    {
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                yield return pid;
            }
        }
    }

    /// <summary>
    /// The fields of /proc/PID/stat after "pid (comm) ", so index 0 is field 3 (the state); null when the process is gone
    /// or not ours to read. The name may hold spaces and parentheses: the fields start after its last ')'.
    /// </summary>
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length >= 22 - 2 ? fields : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// The live process group leader (a job's supervisor) that runs in <paramref name="workFolder"/> and whose environment carries
    /// DASHBOARD_JOB_ID=<paramref name="jobId"/>, as a launch record; null when there is none.
    /// </summary>
    public static LaunchRecord? FindJobGroupLeader(string jobId, string workFolder)
    {
        var marker = System.Text.Encoding.ASCII.GetBytes($"DASHBOARD_JOB_ID={jobId}\0");
        foreach (var pid in AllPids())
        {
            if (GroupOf(pid) != pid || !ProcessAlive(pid))
            {
                continue;
            }

            var folder = $"/proc/{pid}";

            try
            {
                var cwd = new FileInfo(Path.Combine(folder, "cwd")).LinkTarget;
                if (cwd is null || Path.TrimEndingDirectorySeparator(cwd) != Path.TrimEndingDirectorySeparator(workFolder))
                {
                    continue;
                }

                var environment = File.ReadAllBytes(Path.Combine(folder, "environ"));
                if (environment.AsSpan().IndexOf(marker) >= 0 && StartTicks(pid) is { } ticks)
                {
                    return new LaunchRecord(pid, ticks);
                }
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return null;
    }

    /// <summary>The process group of <paramref name="pid"/> (field 5 of /proc/PID/stat); -1 when it is gone.</summary>
    public static int GroupOf(int pid) =>
        StatFields(pid) is { } fields && int.TryParse(fields[5 - 3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var group) ? group : -1;

    private static bool IsZombie(int pid) => StatFields(pid) is [['Z', ..], ..];

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
