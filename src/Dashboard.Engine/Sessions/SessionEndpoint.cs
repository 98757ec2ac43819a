using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Sessions;

/// <summary>
/// Where a running session's server listens (a loopback port of the node its executor chose) and the token it was
/// given; <see cref="ReadyAt"/> is set once its health path answered, <see cref="LastTraffic"/> whenever its owner's
/// browser sent something through the proxy.
/// </summary>
public sealed class SessionEndpoint(JobId job, string type, string owner, string team, int port, string token, DateTimeOffset openedAt)
{
    private long readyAtTicks = -1;
    private long lastTrafficTicks = -1;

    public JobId Job { get; } = job;

    public string Type { get; } = type;

    public string Owner { get; } = owner;

    public string Team { get; } = team;

    public int Port { get; } = port;

    public string Token { get; } = token;

    public DateTimeOffset OpenedAt { get; } = openedAt;

    /// <summary>The path the server is served under, and the proxy's prefix: <c>/sessions/{id}/</c>.</summary>
    public string BasePath => BasePathOf(Job);

    public DateTimeOffset? ReadyAt => Read(ref readyAtTicks);

    public DateTimeOffset? LastTraffic => Read(ref lastTrafficTicks);

    public bool IsReady => ReadyAt is not null;

    public static string BasePathOf(JobId job) => $"/sessions/{job}/";

    public void MarkReady(DateTimeOffset at) => Interlocked.CompareExchange(ref readyAtTicks, at.UtcTicks, -1);

    public void RecordTraffic(DateTimeOffset at) => Interlocked.Exchange(ref lastTrafficTicks, at.UtcTicks);

    private static DateTimeOffset? Read(ref long ticks)
    {
        var value = Interlocked.Read(ref ticks);
        return value < 0 ? null : new DateTimeOffset(value, TimeSpan.Zero);
    }
}
