namespace Dashboard.Web.Api;

/// <summary>The REST API's settings (appsettings.json section <c>Api</c>).</summary>
public sealed record ApiOptions
{
    public const string Section = "Api";

    /// <summary>Submits per user: a bucket of <see cref="SubmitBurst"/> that refills by <see cref="SubmitsPerPeriod"/> every <see cref="SubmitPeriod"/>.</summary>
    public int SubmitBurst { get; init; } = 100;

    public int SubmitsPerPeriod { get; init; } = 10;

    public TimeSpan SubmitPeriod { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// While a log follow asked as Server-Sent Events has nothing new to send, a comment line (<c>: keep-alive</c>) goes
    /// out at this interval, so clients and proxies can tell a quiet job from a hung connection.
    /// </summary>
    public TimeSpan LogKeepAlive { get; init; } = TimeSpan.FromSeconds(15);
}
