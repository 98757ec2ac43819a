using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Jobs;

/// <summary>A stored job: what was submitted, where it stands, and how it ended.</summary>
public sealed record JobRecord(
    Job Job,
    JobState State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    int? ExitCode,
    string? Reason);

/// <summary>One row of a job's history: it went from <see cref="From"/> to <see cref="To"/>.</summary>
public sealed record JobEvent(
    long Id,
    JobId Job,
    DateTimeOffset At,
    JobState From,
    JobState To,
    string? Reason,
    int? ExitCode);
