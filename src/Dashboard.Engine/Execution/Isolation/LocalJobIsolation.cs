namespace Dashboard.Engine.Execution.Isolation;

/// <summary>
/// Everything the local executor needs to keep jobs away from the server: the mode in force, the command line
/// that builds each job's box, the cgroups it may create (null without them) and the account to Unix user mapping
/// (Owner mode only).
/// </summary>
public sealed record LocalJobIsolation(IsolationChoice Choice, SandboxCommandLine CommandLine, CgroupV1Root? Cgroups, UnixUserMapping? Users)
{
    /// <summary>Probes this host and builds the isolation <paramref name="options"/> ask for, hiding <paramref name="serverPaths"/> and the server's HOME.</summary>
    public static LocalJobIsolation Detect(LocalExecutorOptions options, IEnumerable<string> serverPaths, Func<string, string?>? storedUnixUser = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var host = HostCapabilities.Probe(options.BwrapPath);
        return For(IsolationChoice.Choose(options.Isolation, host), host, options, serverPaths, storedUnixUser);
    }

    public static LocalJobIsolation For(IsolationChoice choice, HostCapabilities host, LocalExecutorOptions options, IEnumerable<string> serverPaths, Func<string, string?>? storedUnixUser = null)
    {
        ArgumentNullException.ThrowIfNull(choice);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(options);
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        List<string> hidden = [.. serverPaths, .. string.IsNullOrEmpty(home) ? [] : new[] { home }];
        var commandLine = new SandboxCommandLine(options.BwrapPath, choice.UseSandbox, hidden, options.SharedPaths, GpuDevices());
        var users = choice.Mode == IsolationMode.Owner ? new UnixUserMapping(options.UnixUsers, options.FallbackUnixUser, storedUnixUser) : null;
        return new LocalJobIsolation(choice, commandLine, choice.UseCgroups ? host.Cgroups : null, users);
    }

    /// <summary>The NVIDIA device files a job needs to use its GPUs (CUDA_VISIBLE_DEVICES picks which).</summary>
    private static string[] GpuDevices() =>
        Directory.Exists("/dev") ? [.. Directory.EnumerateFiles("/dev", "nvidia*").Order(StringComparer.Ordinal)] : [];
}
