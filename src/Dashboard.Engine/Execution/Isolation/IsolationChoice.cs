namespace Dashboard.Engine.Execution.Isolation;

/// <summary>The isolation in force: its mode, whether bubblewrap and cgroups are used, and a sentence saying so (or why jobs are refused).</summary>
public sealed record IsolationChoice(IsolationMode Mode, bool UseSandbox, bool UseCgroups, string Description)
{
    public const string RefusalPrefix = "the local node runs no jobs: ";

    /// <summary>Picks the mode for <paramref name="setting"/> on a host with <paramref name="host"/>'s capabilities.</summary>
    public static IsolationChoice Choose(IsolationSetting setting, HostCapabilities host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var cgroups = host.Cgroups is not null;
        var tracking = cgroups ? "each job in its own cgroup" : "no cgroups (jobs tracked by process group and job marker; limits by taskset/prlimit)";
        var sandboxMissing = host.SandboxProblem ?? "bubblewrap does not work here";
        return setting switch
        {
            IsolationSetting.Refuse => Refused("Executor:Isolation is Refuse"),
            IsolationSetting.Owner when !host.CanSwitchUsers =>
                Refused("Executor:Isolation is Owner but the server cannot switch users (run it as root, or give it CAP_SETUID and CAP_SETGID)"),
            IsolationSetting.Sandbox when !host.SandboxWorks =>
                Refused($"Executor:Isolation is Sandbox but {sandboxMissing}"),
            IsolationSetting.Owner or IsolationSetting.Auto when host.CanSwitchUsers => new(
                IsolationMode.Owner,
                host.SandboxWorks,
                cgroups,
                $"Owner: each job runs as its owner's Unix user{(host.SandboxWorks ? ", inside bubblewrap" : $" (no bubblewrap: {sandboxMissing})")}, {tracking}"),
            IsolationSetting.Sandbox or IsolationSetting.Auto when host.SandboxWorks => new(
                IsolationMode.Sandbox,
                true,
                cgroups,
                $"Sandbox: each job runs as the server's user inside bubblewrap, the server's files hidden, {tracking}"),
            _ => Refused($"no isolation available (install bubblewrap, or run the server as root): {sandboxMissing}"),
        };
    }

    /// <summary>The reason a submit that can only run on the local node is refused; null when local jobs run.</summary>
    public string? RefusalReason => Mode == IsolationMode.Refuse ? Description : null;

    private static IsolationChoice Refused(string why) => new(IsolationMode.Refuse, false, false, RefusalPrefix + why);
}
