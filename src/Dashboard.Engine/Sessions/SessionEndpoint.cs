using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Sessions;

/// <summary>
/// Where a running session's server listens (a loopback port of the node its executor chose) and the token it was
/// given; <see cref="ReadyAt"/> is set once its health path answered, <see cref="LastTraffic"/> whenever its owner's
/// browser sent something through the proxy. <see cref="RecordsFolder"/> (where the executor keeps the job's launch
/// record) and <see cref="RunAsUid"/> tell whose listener on <see cref="Port"/> is the session's (see
/// <see cref="SessionListenerGuard"/>).
/// </summary>
public sealed class SessionEndpoint(JobId job, string type, string owner, string team, int port, string token, DateTimeOffset openedAt, string? recordsFolder = null, int? runAsUid = null)
{
    private long readyAtTicks = -1;
    private long lastTrafficTicks = -1;
    private long fullListenerChecks;
    private volatile IReadOnlyList<long> verifiedListeners = [];
    private volatile string? listenerProblem;

    public JobId Job { get; } = job;

    public string Type { get; } = type;

    public string Owner { get; } = owner;

    public string Team { get; } = team;

    public int Port { get; } = port;

    public string Token { get; } = token;

    public DateTimeOffset OpenedAt { get; } = openedAt;

    /// <summary>The job's records folder (its launch record names its processes); null: its processes are unknown, and no listener is the session's.</summary>
    public string? RecordsFolder { get; } = recordsFolder;

    /// <summary>The Unix user the job runs as where jobs run as mapped users; null: the server's own user.</summary>
    public int? RunAsUid { get; } = runAsUid;

    /// <summary>Why the session's port is not the session's (another process listens on it), shown on its page; null when nothing is wrong.</summary>
    public string? ListenerProblem => listenerProblem;

    /// <summary>How many times the listener on its port was checked against the job's processes (not counting the cheap look at an already verified one).</summary>
    public long FullListenerChecks => Interlocked.Read(ref fullListenerChecks);

    /// <summary>The inodes of the listeners last verified as the session's.</summary>
    internal IReadOnlyList<long> VerifiedListeners => verifiedListeners;

    /// <summary>The path the server is served under, and the proxy's prefix: <c>/sessions/{id}/</c>.</summary>
    public string BasePath => BasePathOf(Job);

    public DateTimeOffset? ReadyAt => Read(ref readyAtTicks);

    public DateTimeOffset? LastTraffic => Read(ref lastTrafficTicks);

    public bool IsReady => ReadyAt is not null;

    public static string BasePathOf(JobId job) => $"/sessions/{job}/";

    public void MarkReady(DateTimeOffset at) => Interlocked.CompareExchange(ref readyAtTicks, at.UtcTicks, -1);

    public void RecordTraffic(DateTimeOffset at) => Interlocked.Exchange(ref lastTrafficTicks, at.UtcTicks);

    /// <summary>Records why its port is not its own (null: clears it); true when that changed.</summary>
    public bool ReportListenerProblem(string? problem) => Interlocked.Exchange(ref listenerProblem, problem) != problem;

    internal void RememberVerified(IReadOnlyList<long> inodes) => verifiedListeners = inodes;

    internal void CountFullCheck() => Interlocked.Increment(ref fullListenerChecks);

    private static DateTimeOffset? Read(ref long ticks)
    {
        var value = Interlocked.Read(ref ticks);
        return value < 0 ? null : new DateTimeOffset(value, TimeSpan.Zero);
    }
}
