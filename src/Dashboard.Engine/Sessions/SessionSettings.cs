namespace Dashboard.Engine.Sessions;

/// <summary>The "Sessions" section of appsettings.json.</summary>
public sealed class SessionSettings
{
    public const string Section = "Sessions";

    public List<SessionTypeOptions> Types { get; set; } = [];

    /// <summary>Idle policies by team name (admins set them); they replace the session type's for that team's jobs.</summary>
    public Dictionary<string, IdlePolicyOptions> TeamPolicies { get; set; } = [];

    /// <summary>The idle policy of batch jobs (flag only unless StopBatchJobs); zero minutes: batch jobs are not watched.</summary>
    public IdlePolicyOptions BatchPolicy { get; set; } = new() { IdleMinutes = 60, GraceMinutes = 0 };

    /// <summary>How often a starting session's health path is asked.</summary>
    public TimeSpan HealthPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the idle watch samples GPU utilisation and proxy traffic.</summary>
    public TimeSpan IdleSampleInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A separate origin per session, e.g. <c>http://s{id}.localhost:{port}</c> or <c>https://s{id}.dash.example.org</c>
    /// (<c>{port}</c>: the port the dashboard was reached on); empty: sessions are served on the dashboard's origin.
    /// </summary>
    public string OriginTemplate { get; set; } = "";
}
