namespace Dashboard.Engine.Execution.Isolation;

/// <summary>
/// Everything the local executor needs to keep jobs away from the server: the mode in force, the command line
/// that builds each job's box, the cgroups it may create (null without them) and the account to Unix user mapping
/// (Owner mode only).
/// </summary>
public sealed record LocalJobIsolation(IsolationChoice Choice, SandboxCommandLine CommandLine, CgroupV1Root? Cgroups, UnixUserMapping? Users)
{
    /// <summary>Where Slurm's configuration is read when SLURM_CONF does not say.</summary>
    public const string DefaultSlurmConf = "/etc/slurm/slurm.conf";

    /// <summary>System folders too wide to hide whole: a munge socket directly in one of them is hidden alone.</summary>
    private static readonly string[] WideFolders = ["/", "/run", "/var/run", "/var", "/tmp", "/dev"];

    /// <summary>
    /// Probes this host and builds the isolation <paramref name="options"/> ask for, hiding <paramref name="serverPaths"/>
    /// (folders, or files such as the Slurm JWT key) and the server's HOME, and in Sandbox mode munge's socket (the
    /// folders in <see cref="LocalExecutorOptions.MungeSocketFolders"/> and the socket <paramref name="slurmConf"/>, else
    /// SLURM_CONF's, else /etc/slurm/slurm.conf names).
    /// </summary>
    public static LocalJobIsolation Detect(LocalExecutorOptions options, IEnumerable<string> serverPaths, Func<string, string?>? storedUnixUser = null, string? slurmConf = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = HostCapabilities.Probe(options.BwrapPath);
        slurmConf = !string.IsNullOrEmpty(slurmConf) ? slurmConf
            : Environment.GetEnvironmentVariable("SLURM_CONF") is { Length: > 0 } set ? set : DefaultSlurmConf;
        string? socket = null;
        try
        {
            socket = File.Exists(slurmConf) ? MungeSocketOf(File.ReadAllText(slurmConf)) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // An unreadable slurm.conf names no socket: the default folders are still hidden.
        }

        return For(IsolationChoice.Choose(options.Isolation, host), host, options, serverPaths, storedUnixUser, socket is null ? [] : [MungeHideTarget(socket)]);
    }

    /// <param name="mungeSockets">Munge sockets (or their folders) to hide in Sandbox mode besides <see cref="LocalExecutorOptions.MungeSocketFolders"/>.</param>
    public static LocalJobIsolation For(
        IsolationChoice choice,
        HostCapabilities host,
        LocalExecutorOptions options,
        IEnumerable<string> serverPaths,
        Func<string, string?>? storedUnixUser = null,
        IReadOnlyList<string>? mungeSockets = null)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        // In Sandbox mode a job is the server's user, whom munge would vouch for to Slurm: its socket is hidden. In
        // Owner mode the job is its owner's user and may use Slurm as such.
        IEnumerable<string> munge = choice.Mode == IsolationMode.Sandbox ? [.. options.MungeSocketFolders, .. mungeSockets ?? []] : [];
        List<string> hidden = [.. serverPaths, .. string.IsNullOrEmpty(home) ? [] : new[] { home }, .. munge.Select(RealPath)];
        var commandLine = new SandboxCommandLine(options.BwrapPath, choice.UseSandbox, hidden, options.SharedPaths, GpuDevices());
        var users = choice.Mode == IsolationMode.Owner ? new UnixUserMapping(options.UnixUsers, options.FallbackUnixUser, storedUnixUser) : null;
        return new LocalJobIsolation(choice, commandLine, choice.UseCgroups ? host.Cgroups : null, users);
    }

    /// <summary>The socket slurm.conf's <c>AuthInfo=socket=PATH</c> names (the last AuthInfo line wins); null when none.</summary>
    public static string? MungeSocketOf(string slurmConf)
    {
        ArgumentNullException.ThrowIfNull(slurmConf);
        string? socket = null;
        foreach (var raw in slurmConf.Split('\n'))
        {
            var line = (raw.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? raw[..hash] : raw).Trim();
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && line[..equals].Trim().Equals("AuthInfo", StringComparison.OrdinalIgnoreCase))
            {
                socket = line[(equals + 1)..].Trim().Trim('"').Split(',')
                    .Select(o => o.Trim())
                    .Where(o => o.StartsWith("socket=", StringComparison.OrdinalIgnoreCase))
                    .Select(o => o["socket=".Length..])
                    .LastOrDefault(p => p.Length > 0) ?? socket;
            }
        }

        return socket;
    }

    /// <summary>What hides a munge socket: its folder, or the socket alone where its folder is a system one (/run).</summary>
    public static string MungeHideTarget(string socket)
    {
        var full = Path.GetFullPath(socket);
        var folder = Path.GetDirectoryName(full);
        return folder is null || WideFolders.Contains(folder, StringComparer.Ordinal) ? full : folder;
    }

    /// <summary>
    /// The path with every link in it resolved (as realpath does), so that the mount hides the real file or folder,
    /// not a link to it; as given where it does not exist.
    /// </summary>
    public static string RealPath(string path)
    {
        var current = "/";
        var parts = new Queue<string>(Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries));
        for (var hops = 0; parts.TryDequeue(out var part);)
        {
            var next = Path.Combine(current, part);
            var target = new FileInfo(next).LinkTarget;
            if (target is null)
            {
                current = next;
                continue;
            }

            if (++hops > 40)
            {
                return Path.GetFullPath(path);
            }

            // The link's target, then the parts still to go.
            var rest = parts.ToArray();
            parts = new Queue<string>(Path.GetFullPath(target, current).Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
            current = "/";
        }

        return current;
    }

    /// <summary>The NVIDIA device files a job needs to use its GPUs (CUDA_VISIBLE_DEVICES picks which).</summary>
    private static string[] GpuDevices() =>
        Directory.Exists("/dev") ? [.. Directory.EnumerateFiles("/dev", "nvidia*").Order(StringComparer.Ordinal)] : [];
}
