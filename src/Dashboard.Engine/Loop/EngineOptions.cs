namespace Dashboard.Engine.Loop;

/// <summary>The "Engine" section of appsettings.json.</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>How often the loop wakes to enforce walltimes and refresh estimates when nothing else happens.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most commands applied and committed together in one transaction.</summary>
    public int MaxBatch { get; set; } = 4_096;

    /// <summary>Explain every pending job (estimated start and reason) at most this often when the backlog is large.</summary>
    public TimeSpan ExplainInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Below this many pending jobs, every pass explains every job.</summary>
    public int ExplainAlwaysBelow { get; set; } = 5_000;
}
