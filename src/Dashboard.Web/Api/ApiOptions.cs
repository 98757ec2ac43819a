namespace Dashboard.Web.Api;

/// <summary>The REST API's settings (appsettings.json section <c>Api</c>).</summary>
public sealed record ApiOptions
{
    public const string Section = "Api";

    /// <summary>Submits per user: a bucket of <see cref="SubmitBurst"/> that refills by <see cref="SubmitsPerPeriod"/> every <see cref="SubmitPeriod"/>.</summary>
    public int SubmitBurst { get; init; } = 100;

    public int SubmitsPerPeriod { get; init; } = 10;

    public TimeSpan SubmitPeriod { get; init; } = TimeSpan.FromSeconds(1);
}
