using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Jobs;

/// <summary>
/// A job's clock as its page's top line reads it at <c>now</c>: how long it has waited, run or ran, and how much of its
/// walltime is left ("Running for 1 h 20 min · 40 min left of its 2 h walltime").
/// </summary>
public sealed record JobTimes(JobState State, DateTimeOffset SubmittedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt, TimeSpan? Walltime)
{
    public string Describe(DateTimeOffset now)
    {
        if (State == JobState.Pending)
        {
            return $"Waiting for {Span(now - SubmittedAt)} since it was submitted";
        }

        if (State == JobState.Running && StartedAt is { } started)
        {
            var elapsed = now - started;
            if (Walltime is not { } walltime)
            {
                return $"Running for {Span(elapsed)} · no walltime, so no end is expected";
            }

            var left = walltime - elapsed;
            return left > TimeSpan.Zero
                ? $"Running for {Span(elapsed)} · {Span(left)} left of its {Span(walltime)} walltime"
                : $"Running for {Span(elapsed)} · its {Span(walltime)} walltime is up: it is being stopped";
        }

        if (StartedAt is { } ranFrom && EndedAt is { } ended)
        {
            return $"Ran for {Span(ended - ranFrom)} · ended {ended.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}";
        }

        return EndedAt is { } at
            ? $"Never ran · ended {at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}"
            : State.ToString();
    }

    /// <summary>"45 s", "12 min 5 s", "1 h 20 min", "2 d 3 h": the two largest units, never negative.</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span switch
        {
            { TotalDays: >= 1 } => Two(span.Days, "d", span.Hours, "h"),
            { TotalHours: >= 1 } => Two(span.Hours, "h", span.Minutes, "min"),
            { TotalMinutes: >= 1 } => Two(span.Minutes, "min", span.Seconds, "s"),
            _ => $"{span.Seconds} s",
        };
    }

    private static string Two(int first, string firstUnit, int second, string secondUnit) =>
        second == 0 ? $"{first} {firstUnit}" : $"{first} {firstUnit} {second} {secondUnit}";
}
