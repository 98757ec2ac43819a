using Dashboard.Data.UsageHistory;

namespace Dashboard.Engine.Usage;

/// <summary>The "Usage" section of appsettings.json: the sampler, retention of each granularity, and the demo history.</summary>
public sealed class UsageOptions
{
    public const string Section = "Usage";

    /// <summary>Whether the sampler runs (per-minute samples, roll-ups, retention).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the sampler takes a sample: whole minutes; each sample stands for every minute since the last one.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long per-minute samples are kept (they are rolled up into hours first).</summary>
    public int MinuteRetentionDays { get; set; } = 8;

    /// <summary>How long hour roll-ups are kept (they are rolled up into days first).</summary>
    public int HourRetentionDays { get; set; } = 100;

    /// <summary>How long day roll-ups are kept; 0 keeps them for ever.</summary>
    public int DayRetentionDays { get; set; }

    /// <summary>
    /// Days of simulated history (jobs, samples and roll-ups on the demo nodes) to create on a start with no history
    /// at all, so the usage page means something on the first run; 0 creates none. Labelled simulated throughout.
    /// </summary>
    public int DemoHistoryDays { get; set; }

    public UsageRetention Retention => new(
        TimeSpan.FromDays(MinuteRetentionDays),
        TimeSpan.FromDays(HourRetentionDays),
        DayRetentionDays > 0 ? TimeSpan.FromDays(DayRetentionDays) : null);

    /// <summary>What is wrong with these settings, or null.</summary>
    public string? Problem() =>
        SampleInterval < TimeSpan.FromMinutes(1) || SampleInterval.Ticks % TimeSpan.TicksPerMinute != 0 ? $"Usage:SampleInterval must be a whole number of minutes (is {SampleInterval})"
        : MinuteRetentionDays < 1 ? "Usage:MinuteRetentionDays must be at least 1"
        : HourRetentionDays < MinuteRetentionDays ? "Usage:HourRetentionDays must be at least Usage:MinuteRetentionDays"
        : DayRetentionDays != 0 && DayRetentionDays < HourRetentionDays ? "Usage:DayRetentionDays must be 0 (for ever) or at least Usage:HourRetentionDays"
        : DemoHistoryDays is < 0 or > 400 ? "Usage:DemoHistoryDays must be between 0 and 400"
        : null;
}
