using System.Globalization;
using Dashboard.Data.Notifications;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Notifications;

/// <summary>What happened to a job, with the numbers its owner wants to know.</summary>
public sealed record JobFact(
    NotificationKind Kind,
    JobId Job,
    string Name,
    string Owner,
    DateTimeOffset At,
    string? Reason = null,
    int? ExitCode = null,
    TimeSpan? RunTime = null,
    double? GpuHours = null,
    string? Placement = null,
    TimeSpan? Waited = null);

/// <summary>A sweep (job array) whose jobs have all ended, with how they ended.</summary>
public sealed record SweepFact(long Sweep, string Name, string Owner, DateTimeOffset At, int Jobs, int Succeeded, int Failed, int Cancelled, double? GpuHours = null);

/// <summary>The words of each notification: one title line and a body that says what happened with its numbers.</summary>
public static class JobNotices
{
    public static (string Title, string Body) Describe(JobFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var job = $"Job {fact.Job} \"{fact.Name}\"";
        var numbers = Numbers(fact);
        return fact.Kind switch
        {
            NotificationKind.JobStarted => ($"{job} started", Sentence($"{job} started", fact.Placement is null ? null : "on " + fact.Placement, fact.Waited is { } w && w >= TimeSpan.FromMinutes(1) ? "after waiting " + Durations.Describe(w) : null)),
            NotificationKind.JobSucceeded => ($"{job} succeeded", Sentence($"{job} succeeded", numbers)),
            NotificationKind.JobFailed => ($"{job} failed", Sentence($"{job} failed", numbers, fact.Reason)),
            NotificationKind.JobCancelled => ($"{job} was cancelled", Sentence($"{job} was cancelled", fact.Reason, numbers)),
            NotificationKind.JobTimedOut => ($"{job} reached its walltime", Sentence($"{job} was stopped", fact.Reason, numbers)),
            NotificationKind.JobPreempted => ($"{job} was preempted", Sentence($"{job} was preempted and is back in the queue", Why(fact.Reason), numbers)),
            NotificationKind.JobWaitingLong => ($"{job} has waited {Durations.Describe(fact.Waited ?? TimeSpan.Zero)}", Sentence($"{job} has waited {Durations.Describe(fact.Waited ?? TimeSpan.Zero)} to start", fact.Reason)),
            _ => throw new ArgumentOutOfRangeException(nameof(fact), fact.Kind, "not a job notification"),
        };
    }

    public static (string Title, string Body) Describe(SweepFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        var title = $"Sweep {fact.Sweep} \"{fact.Name}\" finished";
        var body = string.Create(CultureInfo.InvariantCulture,
            $"{title}: {fact.Succeeded}/{fact.Jobs} succeeded, {fact.Failed} failed, {fact.Cancelled} cancelled{(fact.GpuHours is { } hours ? $"; {hours:0.##} GPU-hours in all" : "")}.");
        return (title, body);
    }

    private static string? Numbers(JobFact fact)
    {
        var parts = new List<string>();
        if (fact.ExitCode is { } code)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"exit code {code}"));
        }

        if (fact.RunTime is { } run)
        {
            parts.Add("ran " + Durations.Describe(run));
        }

        if (fact.GpuHours is { } hours)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{hours:0.##} GPU-hours"));
        }

        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string? Why(string? reason) =>
        reason is null ? null : "why: " + (reason.StartsWith("preempted: ", StringComparison.Ordinal) ? reason["preempted: ".Length..] : reason);

    private static string Sentence(string head, params string?[] parts)
    {
        var rest = parts.Where(p => !string.IsNullOrWhiteSpace(p)).ToList();
        return rest.Count == 0 ? head + "." : head + "; " + string.Join("; ", rest) + ".";
    }
}
