using System.Globalization;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Control;

/// <summary>Why an extension was refused: the engine maps each to its command outcome.</summary>
public enum ExtensionRefusalKind
{
    /// <summary>The amount asked, or the walltime it makes, is out of bounds.</summary>
    Invalid,

    /// <summary>The job is not running, has no walltime, or has already reached it.</summary>
    NotRunning,

    /// <summary>The job's team holds more than its quota allows now (the quota was lowered since it started).</summary>
    OverQuota,

    /// <summary>A start promised to another job (a backfill reservation) would come later.</summary>
    BreaksPromise,
}

/// <summary>A refused extension and the reason, in the words a person reads.</summary>
public sealed record ExtensionRefusal(ExtensionRefusalKind Kind, string Reason);

/// <summary>An extension the engine may apply: <see cref="Extended"/> replaces the running job (its new walltime and expected end).</summary>
public sealed record ExtensionGranted(RunningJob Extended, TimeSpan Walltime, DateTimeOffset End);

/// <summary>
/// Extending a running job's walltime, re-checked like a submit: the new walltime within <see cref="JobSpecValidation.MaxWalltime"/>,
/// the team within its quota, and no start promised to a waiting job pushed later. The promise check runs the real
/// scheduler twice on the same snapshot, as it is and with the job's end moved, and compares the estimated start of
/// every job that holds a backfill reservation: a reservation the extension would move later is a broken promise.
/// Pure: a function of the snapshot and the time.
/// </summary>
public static class WalltimeExtension
{
    /// <summary>The least one extension adds.</summary>
    public static readonly TimeSpan Smallest = TimeSpan.FromMinutes(1);

    public static (ExtensionGranted? Granted, ExtensionRefusal? Refusal) Decide(ClusterSnapshot snapshot, JobId id, TimeSpan by, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (by < Smallest)
        {
            return Refuse(ExtensionRefusalKind.Invalid, $"an extension adds at least {Smallest.TotalMinutes:0} minute");
        }

        var index = -1;
        for (var i = 0; i < snapshot.Running.Length && index < 0; i++)
        {
            index = snapshot.Running[i].Job.Id == id ? i : -1;
        }

        if (index < 0)
        {
            return Refuse(ExtensionRefusalKind.NotRunning, $"job {id} is not running; only a running job's time can be extended");
        }

        var running = snapshot.Running[index];
        if (running.Job.Spec.Walltime is not { } walltime || running.Allocation.ExpectedEnd is not { } end)
        {
            return Refuse(ExtensionRefusalKind.NotRunning, $"job {id} has no walltime: it already runs until it ends");
        }

        if (end <= now)
        {
            return Refuse(ExtensionRefusalKind.NotRunning, $"job {id} has reached its walltime and is stopping");
        }

        var longer = walltime + by;
        if (longer > JobSpecValidation.MaxWalltime)
        {
            return Refuse(ExtensionRefusalKind.Invalid, string.Create(CultureInfo.InvariantCulture,
                $"a walltime is at most {JobSpecValidation.MaxWalltime.TotalDays:0} days; job {id} has {Hours(walltime)} and would have {Hours(longer)}"));
        }

        if (OverQuota(snapshot, running.Job.Team) is { } quota)
        {
            return Refuse(ExtensionRefusalKind.OverQuota, quota);
        }

        var extended = running with
        {
            Job = running.Job with { Spec = running.Job.Spec with { Walltime = longer } },
            Allocation = running.Allocation with { ExpectedEnd = end + by },
        };
        var after = snapshot with { Running = snapshot.Running.SetItem(index, extended) };
        if (BrokenPromise(snapshot, after, id, now) is { } broken)
        {
            return Refuse(ExtensionRefusalKind.BreaksPromise, broken);
        }

        return (new ExtensionGranted(extended, longer, end + by), null);
    }

    private static string? OverQuota(ClusterSnapshot snapshot, string team)
    {
        if (snapshot.Quotas.FirstOrDefault(q => q.Team == team) is not { } quota)
        {
            return null;
        }

        var held = snapshot.Running.Where(r => r.Job.Team == team).Aggregate(ResourceAmount.Zero, (sum, r) => sum + r.Allocation.Amount);
        return held.FitsWithin(quota.Ceiling)
            ? null
            : $"team {team} holds {held}, more than its quota allows now ({quota.Ceiling}); a job of it cannot be extended until it holds less";
    }

    private static string? BrokenPromise(ClusterSnapshot before, ClusterSnapshot after, JobId extending, DateTimeOffset now)
    {
        var promised = Plan(before, now);
        var planned = Plan(after, now);
        foreach (var waiting in promised.Pending)
        {
            if (waiting.Reservation is not { } reservation || waiting.EstimatedStart is not { } start)
            {
                continue;
            }

            var later = planned.Pending.Find(waiting.Job)?.EstimatedStart;
            if (later is null || later > start)
            {
                return $"job {waiting.Job}{(reservation.Team.Length > 0 ? " of team " + reservation.Team : "")} is promised {reservation.Amount} on {reservation.Node} at {Time(start)}"
                    + (later is { } moved ? $"; extending job {extending} would push it back to {Time(moved)}" : $"; extending job {extending} would leave it without a start")
                    + ". Ask for less time, or stop and start again later";
            }
        }

        return null;
    }

    private static SchedulePlan Plan(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        var eligible = Eligibility.Split(snapshot).Eligible;
        return Scheduler.Plan(eligible with { Settings = eligible.Settings with { ExplainAllPending = true } }, now);
    }

    private static string Hours(TimeSpan walltime) => string.Create(CultureInfo.InvariantCulture, $"{walltime.TotalHours:0.##} h");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static (ExtensionGranted?, ExtensionRefusal?) Refuse(ExtensionRefusalKind kind, string reason) => (null, new ExtensionRefusal(kind, reason));
}
