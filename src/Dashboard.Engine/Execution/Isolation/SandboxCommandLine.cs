using System.Globalization;

namespace Dashboard.Engine.Execution.Isolation;

/// <summary>
/// What one job's workload command line is built from. <paramref name="ScratchBytes"/>: the size of each of the
/// sandbox's /tmp and /dev/shm (the job's memory; null for no size). <paramref name="FileSizeLimitBytes"/>: the
/// largest file the job may write (RLIMIT_FSIZE; null for no limit).
/// </summary>
public sealed record WorkloadLaunch(
    string Command,
    string WorkFolder,
    UnixAccount? RunAs,
    IReadOnlyList<int> PinnedCores,
    long? DataLimitBytes,
    long? ScratchBytes = null,
    long? FileSizeLimitBytes = null);

/// <summary>
/// The command line that runs a job's workload, from the inside out: <c>sh -c COMMAND</c>; as the owner's Unix user
/// through <c>setpriv</c> (Owner mode), with no new privileges and an empty capability bounding set; inside
/// <c>bwrap</c> when the sandbox is used, where the server's folders (data folder, content root, HOME; munge's socket
/// folder in Sandbox mode) are empty tmpfs and its hidden files (the Slurm JWT key) are covered by /dev/null, /tmp
/// and /dev/shm are private (and writable, whoever the job runs as), only the job's own folder (and the configured
/// shared paths) is writable, and the job has its own pid and IPC namespaces and dies with its supervisor; pinned and capped with taskset and prlimit only where
/// there are no cgroups to do it; and with the largest file it may write capped (prlimit's RLIMIT_FSIZE, SIGXFSZ
/// ignored so the write fails with EFBIG) wherever a disk limit is set.
/// </summary>
public sealed record SandboxCommandLine(
    string BwrapPath,
    bool UseSandbox,
    IReadOnlyList<string> HiddenPaths,
    IReadOnlyList<string> SharedPaths,
    IReadOnlyList<string> Devices)
{
    public IReadOnlyList<string> Build(WorkloadLaunch launch)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var arguments = new List<string>();
        if (launch.PinnedCores.Count > 0)
        {
            arguments.AddRange(["taskset", "-c", string.Join(',', launch.PinnedCores)]);
        }

        var limits = new List<string>();
        if (launch.DataLimitBytes is { } bytes)
        {
            limits.Add(string.Create(CultureInfo.InvariantCulture, $"--data={bytes}"));
        }

        if (launch.FileSizeLimitBytes is { } fileBytes)
        {
            limits.Add(string.Create(CultureInfo.InvariantCulture, $"--fsize={fileBytes}"));
        }

        if (limits.Count > 0)
        {
            arguments.AddRange(["prlimit", .. limits, "--"]);
        }

        if (launch.FileSizeLimitBytes is not null)
        {
            // A write past the file size limit sends SIGXFSZ, which kills by default: ignored (and inherited so), the
            // write fails with EFBIG instead and the job's program can say "File too large".
            arguments.AddRange(["env", "--ignore-signal=XFSZ"]);
        }

        if (UseSandbox)
        {
            arguments.AddRange(Sandbox(launch));
            // The supervisor starts bwrap with SIGTERM ignored (so a stop reaches the workload, not bwrap, whose
            // death would SIGKILL everything at once); the workload gets SIGTERM back.
            arguments.AddRange(["env", "--default-signal=TERM"]);
        }

        if (launch.RunAs is { } user)
        {
            arguments.AddRange([
                "setpriv",
                string.Create(CultureInfo.InvariantCulture, $"--reuid={user.Uid}"),
                string.Create(CultureInfo.InvariantCulture, $"--regid={user.Gid}"),
                "--init-groups",
                "--no-new-privs",
                "--bounding-set=-all",
                "--",
            ]);
        }

        arguments.AddRange(["sh", "-c", launch.Command]);
        return arguments;
    }

    private List<string> Sandbox(WorkloadLaunch launch)
    {
        // /tmp and /dev/shm (where shm_open makes a data loader's shared memory) are the job's own tmpfs, sticky and
        // writable by all like the host's: bubblewrap runs as root in Owner mode, and its tmpfs would be root's 0755.
        // What the job writes there is memory that no process holds (the OOM killer would end the server, not the
        // job, to free it): each is as large as the job's memory at most, and charged to its cgroup's memory limit.
        List<string> bwrap = [BwrapPath, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
        foreach (var scratch in (string[])["/tmp", "/dev/shm"])
        {
            bwrap.AddRange(["--perms", "1777"]);
            if (launch.ScratchBytes is { } size)
            {
                bwrap.AddRange(["--size", size.ToString(CultureInfo.InvariantCulture)]);
            }

            bwrap.AddRange(["--tmpfs", scratch]);
        }

        foreach (var device in Devices)
        {
            bwrap.AddRange(["--dev-bind", device, device]);
        }

        var mounts = new SandboxMounts(bwrap);

        // Shared folders first, then the hidden ones (so a hidden folder inside a shared one stays hidden), then the
        // job's own folder (inside the hidden data folder).
        foreach (var shared in SharedPaths.Select(Path.GetFullPath).Distinct().OrderBy(p => p, StringComparer.Ordinal))
        {
            mounts.Bind(shared);
        }

        // Outer hidden folders first, so a hidden folder inside another hidden one is mounted on the tmpfs above it.
        var hiddenFolders = HiddenPaths.Select(Path.GetFullPath).Where(p => p != "/" && Directory.Exists(p)).Distinct().OrderBy(p => p.Length).ThenBy(p => p, StringComparer.Ordinal).ToList();
        foreach (var hidden in hiddenFolders)
        {
            mounts.Hide(hidden);
        }

        // A hidden file (a key, a socket) is covered by /dev/null, which the job cannot even open there (bubblewrap
        // binds it nodev: "Permission denied"), and nothing to connect to. Its real path, links resolved, is the one
        // covered; one inside a hidden folder is gone already.
        foreach (var file in HiddenPaths.Select(Path.GetFullPath).Where(File.Exists).Select(LocalJobIsolation.RealPath).Distinct()
            .Where(f => !hiddenFolders.Any(folder => f.StartsWith(folder + "/", StringComparison.Ordinal))).Order(StringComparer.Ordinal))
        {
            mounts.HideFile(file);
        }

        mounts.Bind(launch.WorkFolder);
        bwrap.AddRange(["--chdir", launch.WorkFolder]);
        bwrap.AddRange(["--unshare-pid", "--unshare-ipc", "--die-with-parent"]);
        if (launch.RunAs is null)
        {
            // Without a user switch inside, the job keeps no capability (as root it could otherwise unmount the tmpfs).
            bwrap.AddRange(["--cap-drop", "ALL"]);
        }

        bwrap.Add("--");
        return bwrap;
    }
}

/// <summary>
/// The mounts of one sandbox, in order. A folder bwrap creates on a tmpfs to mount something below it would be
/// 0700 root's, which a job of another user could not pass through: each such folder is made first, mode 0711.
/// </summary>
internal sealed class SandboxMounts(List<string> arguments)
{
    private readonly List<string> tmpfsRoots = ["/tmp"];
    private readonly HashSet<string> made = new(StringComparer.Ordinal);

    public void Bind(string path)
    {
        MakeParents(path);
        arguments.AddRange(["--bind", path, path]);
    }

    public void Hide(string path)
    {
        MakeParents(path);
        arguments.AddRange(["--tmpfs", path]);
        tmpfsRoots.Add(path);
    }

    public void HideFile(string path)
    {
        MakeParents(path);
        arguments.AddRange(["--ro-bind", "/dev/null", path]);
    }

    private void MakeParents(string path)
    {
        var parents = new List<string>();
        for (var parent = Path.GetDirectoryName(path); parent is not null && parent != "/"; parent = Path.GetDirectoryName(parent))
        {
            parents.Add(parent);
        }

        parents.Reverse();
        foreach (var parent in parents.Where(p => tmpfsRoots.Any(root => p.StartsWith(root + "/", StringComparison.Ordinal)) && made.Add(p)))
        {
            arguments.AddRange(["--perms", "0711", "--dir", parent]);
        }
    }
}
