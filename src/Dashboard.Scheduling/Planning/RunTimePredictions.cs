using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>An owner's last two run times (the newest first), the history behind a run-time prediction.</summary>
public sealed record OwnerRunTimes(TimeSpan Last, TimeSpan? Before)
{
    /// <summary>Tsafrir, Etsion and Feitelson (2007): the mean of the owner's last two run times (the last one alone at first).</summary>
    public TimeSpan Prediction => Before is { } before ? (Last + before) / 2 : Last;

    public OwnerRunTimes Then(TimeSpan ran) => new(ran, Last);
}

/// <summary>
/// Run-time predictions from each owner's history, for estimated starts only: a job is expected to run as long as the
/// mean of its owner's last two runs, never longer than its walltime. Reservations and backfill keep using walltimes
/// (the hard limit), so a wrong prediction can make an estimate wrong but never delays a reservation.
/// </summary>
public static class RunTimePredictions
{
    public static ImmutableDictionary<string, OwnerRunTimes> Empty { get; } = ImmutableDictionary.Create<string, OwnerRunTimes>(StringComparer.Ordinal);

    /// <summary>The history after a job of <paramref name="owner"/> ended having run <paramref name="ran"/>.</summary>
    public static ImmutableDictionary<string, OwnerRunTimes> Record(ImmutableDictionary<string, OwnerRunTimes> history, string owner, TimeSpan ran)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(owner);
        var length = ran > TimeSpan.Zero ? ran : TimeSpan.Zero;
        return history.SetItem(owner, history.TryGetValue(owner, out var times) ? times.Then(length) : new OwnerRunTimes(length, null));
    }

    /// <summary>How long a job of <paramref name="owner"/> with <paramref name="walltime"/> is expected to run: the prediction capped by the walltime; the walltime without history.</summary>
    public static TimeSpan? Expected(ImmutableDictionary<string, OwnerRunTimes> history, string owner, TimeSpan? walltime)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (walltime is not { } limit || !history.TryGetValue(owner, out var times))
        {
            return walltime;
        }

        return times.Prediction < limit ? times.Prediction : limit;
    }

    /// <summary>
    /// When a running job is expected to end: its start plus the prediction, unless it has already run longer than
    /// predicted (then its walltime end, as Tsafrir et al. fall back); never after its walltime end.
    /// </summary>
    public static DateTimeOffset? ExpectedEnd(ImmutableDictionary<string, OwnerRunTimes> history, RunningJob running, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(running);
        var allocation = running.Allocation;
        if (Expected(history, running.Job.Spec.Owner, running.Job.Spec.Walltime) is not { } expected)
        {
            return allocation.ExpectedEnd;
        }

        var predicted = allocation.Start + expected;
        return predicted > now && (allocation.ExpectedEnd is not { } end || predicted < end) ? predicted : allocation.ExpectedEnd;
    }
}
