using System.Globalization;

namespace Dashboard.Engine.Execution.Isolation;

/// <summary>
/// Where this server may create cgroups (v1): for each controller it uses, a "compute-dashboard" folder under the
/// server's own cgroup of that controller. The pids and freezer controllers are required (the process set of a job
/// and a way to stop it from forking while it is killed); memory and cpu are used when present, for real limits.
/// </summary>
public sealed record CgroupV1Root(IReadOnlyDictionary<string, string> Controllers)
{
    public const string Pids = "pids";
    public const string Freezer = "freezer";
    public const string Memory = "memory";
    public const string Cpu = "cpu";
    public const string FolderName = "compute-dashboard";

    private static readonly string[] Required = [Pids, Freezer];
    private static readonly string[] Optional = [Memory, Cpu];

    /// <summary>The usable controllers of this host, or null when pids or freezer cannot be used (no cgroups then).</summary>
    public static CgroupV1Root? Probe(string mountRoot = "/sys/fs/cgroup", string ownCgroupFile = "/proc/self/cgroup")
    {
        string own;
        try
        {
            own = File.ReadAllText(ownCgroupFile);
        }
        catch (IOException)
        {
            return null;
        }

        var found = new Dictionary<string, string>();
        foreach (var controller in Required.Concat(Optional))
        {
            if (Usable(mountRoot, controller, OwnPath(own, controller)) is { } folder)
            {
                found[controller] = folder;
            }
            else if (Required.Contains(controller))
            {
                return null;
            }
        }

        return new CgroupV1Root(found);
    }

    /// <summary>The server's own cgroup path for <paramref name="controller"/> in the text of /proc/self/cgroup ("/" when not listed).</summary>
    public static string OwnPath(string procSelfCgroup, string controller)
    {
        ArgumentNullException.ThrowIfNull(procSelfCgroup);
        foreach (var line in procSelfCgroup.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(':', 3);
            if (parts.Length == 3 && parts[1].Split(',').Contains(controller))
            {
                return parts[2].Trim();
            }
        }

        return "/";
    }

    private static string? Usable(string mountRoot, string controller, string ownPath)
    {
        var mount = Path.Combine(mountRoot, controller);
        if (!File.Exists(Path.Combine(mount, "cgroup.procs")))
        {
            return null;
        }

        var folder = Path.Combine(mount + ownPath.TrimEnd('/'), FolderName);
        var probe = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"probe-{Environment.ProcessId}"));
        try
        {
            Directory.CreateDirectory(folder);
            Directory.CreateDirectory(probe);
            Directory.Delete(probe);
            return folder;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
