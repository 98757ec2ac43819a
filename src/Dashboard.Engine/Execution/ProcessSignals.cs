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
    public static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');

            // After "pid (comm) " the fields start at field 3 (state); starttime is field 22.
            return long.Parse(afterName[22 - 3], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
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
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || GroupOf(pid) != pid || !ProcessAlive(pid))
            {
                continue;
            }

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
    public static int GroupOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[5 - 3], CultureInfo.InvariantCulture);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
