using Dashboard.Data.Usage;

namespace Dashboard.Data.UsageHistory;

/// <summary>What one user held within one team during one minute (<see cref="Minute"/> is the minute's start).</summary>
public sealed record MemberUtilisationSample(
    string Team,
    string User,
    DateTimeOffset Minute,
    int Gpus,
    long CpuMillicores,
    long MemoryMiB,
    double? GpuUtilisationPct,
    long? GpuMemoryUsedMiB,
    bool Simulated);

/// <summary>
/// One minute's samples: per team (team_utilisation_samples), per team member, per job GPU, and per team its
/// reserved time (the last two: none when not given).
/// </summary>
public sealed record MinuteSamples(
    IReadOnlyList<UtilisationSample> Teams,
    IReadOnlyList<MemberUtilisationSample> Members,
    IReadOnlyList<JobUtilisationSample>? Jobs = null,
    IReadOnlyList<ReservationSample>? Reservations = null);

public enum RollupGranularity
{
    Hour,
    Day,
}

/// <summary>
/// Sums of per-minute samples over one hour or day. <see cref="User"/> is empty for the whole team. Every quantity is
/// a sum over the bucket's minutes (GPU-minutes and so on), so a roll-up of roll-ups is again a plain sum.
/// </summary>
public sealed record UtilisationRollup(
    RollupGranularity Granularity,
    string Team,
    string User,
    DateTimeOffset BucketStart,
    bool Simulated,
    long GpuMinutes,
    long CpuMillicoreMinutes,
    long MemoryMiBMinutes,
    long MeasuredGpuMinutes,
    double UsedGpuMinutes,
    long GpuMemoryUsedMiBMinutes);

/// <summary>
/// A stretch of samples as a chart reads them: one minute sample or one roll-up row, starting at <see cref="Start"/>.
/// <see cref="User"/> is empty for a team-level row.
/// </summary>
public readonly record struct UtilisationPoint(
    string Team,
    string User,
    DateTimeOffset Start,
    bool Simulated,
    long GpuMinutes,
    long MeasuredGpuMinutes,
    double UsedGpuMinutes);

/// <summary>
/// Whose samples to read: team totals (<see cref="Members"/> false) or team members' rows; restricted to
/// <see cref="Teams"/> (null: every team) and, for members, to <see cref="User"/> when given.
/// </summary>
public sealed record UtilisationFilter(bool Members, IReadOnlyList<string>? Teams, string? User = null);

/// <summary>Whose jobs to read: <see cref="Teams"/> (null: every team), and only <see cref="Owner"/>'s when given.</summary>
public sealed record JobFilter(IReadOnlyList<string>? Teams, string? Owner = null);

/// <summary>How far the roll-ups have got: everything before each time is in that roll-up (null: nothing rolled yet).</summary>
public sealed record RollupProgress(DateTimeOffset? HoursUntil, DateTimeOffset? DaysUntil);

/// <summary>How long each granularity is kept; a null keeps it for ever.</summary>
public sealed record UsageRetention(TimeSpan MinuteSamples, TimeSpan HourRollups, TimeSpan? DayRollups);
