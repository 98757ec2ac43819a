namespace Dashboard.Scheduling.Tests.Builders;

/// <summary>The fixed instants tests use; no test reads a clock.</summary>
internal static class Time
{
    /// <summary>When the builders' jobs were submitted and started, unless a test says otherwise.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 3, 3, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The instant tests plan at: one hour after <see cref="Epoch"/>.</summary>
    public static readonly DateTimeOffset Now = Epoch.AddHours(1);

    public static DateTimeOffset In(TimeSpan offset) => Now + offset;

    public static DateTimeOffset InHours(double hours) => Now.AddHours(hours);
}
