using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Engine.Execution.Isolation;

/// <summary>
/// What this host lets the server do to keep jobs away from it: switch users (euid 0, or CAP_SETUID and CAP_SETGID
/// in effect), run bubblewrap, and create cgroups of its own (v1 controllers it may write to).
/// </summary>
public sealed record HostCapabilities(bool CanSwitchUsers, bool SandboxWorks, CgroupV1Root? Cgroups, string? SandboxProblem = null)
{
    private const int CapSetGid = 6;
    private const int CapSetUid = 7;

    /// <summary>Looks at this process and host: reads /proc/self/status, runs bubblewrap once, creates and removes a probe cgroup.</summary>
    public static HostCapabilities Probe(string bwrapPath)
    {
        var (works, problem) = ProbeSandbox(bwrapPath);
        return new HostCapabilities(SwitchesUsers(File.ReadAllText("/proc/self/status")), works, CgroupV1Root.Probe(), problem);
    }

    /// <summary>Whether a process with this /proc/PID/status may switch users: its effective uid is 0 or it holds CAP_SETUID and CAP_SETGID.</summary>
    public static bool SwitchesUsers(string procStatus)
    {
        ArgumentNullException.ThrowIfNull(procStatus);
        string? Field(string name) => procStatus.Split('\n')
            .Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => l[(name.Length + 1)..].Trim())
            .FirstOrDefault();

        var uids = Field("Uid")?.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
        if (uids is { Length: >= 2 } && uids[1] == "0")
        {
            return true;
        }

        if (Field("CapEff") is { } hex && ulong.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var effective))
        {
            const ulong needed = (1UL << CapSetUid) | (1UL << CapSetGid);
            return (effective & needed) == needed;
        }

        return false;
    }

    private static (bool Works, string? Problem) ProbeSandbox(string bwrapPath)
    {
        try
        {
            var start = new ProcessStartInfo(bwrapPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in (string[])["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--perms", "1777", "--size", "1048576", "--tmpfs", "/tmp", "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--", "true"])
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return (false, $"{bwrapPath} could not be started");
            }

            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? (true, null) : (false, $"{bwrapPath} failed: {error.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, $"{bwrapPath} is not installed (Debian: apt-get install bubblewrap)");
        }
    }
}
