using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Timeline;

/// <summary>
/// Which waiting jobs the plan starts early by backfill: those estimated to start before a job ranked ahead of them
/// in the scheduler's order (fewer jobs ahead, <see cref="PendingReason.JobsAhead"/>) whose own estimated start is
/// later; they fit a gap that job cannot use and must end (by their walltime) before it starts. Jobs held back
/// (not eligible) or waiting for their team's quota rank no one. A pure function of the plan's explanations.
/// </summary>
public static class TimelineBackfill
{
    public static ImmutableHashSet<JobId> Of(IReadOnlyDictionary<JobId, PendingExplanation> explanations)
    {
        ArgumentNullException.ThrowIfNull(explanations);
        var ranked = explanations.Values
            .Where(e => e.EstimatedStart is not null && e.Reason.Cause is not (PendingCause.NotEligible or PendingCause.TeamQuotaFull))
            .OrderBy(e => e.Reason.JobsAhead)
            .ThenBy(e => e.Job.Value)
            .ToList();
        var backfilled = ImmutableHashSet.CreateBuilder<JobId>();
        var latestAhead = DateTimeOffset.MinValue;
        var i = 0;
        while (i < ranked.Count)
        {
            // Jobs with the same number ahead do not rank each other: compare the whole tier with those strictly ahead.
            var tier = ranked[i].Reason.JobsAhead;
            var end = i;
            while (end < ranked.Count && ranked[end].Reason.JobsAhead == tier)
            {
                if (ranked[end].EstimatedStart!.Value < latestAhead)
                {
                    backfilled.Add(ranked[end].Job);
                }

                end++;
            }

            for (; i < end; i++)
            {
                latestAhead = ranked[i].EstimatedStart!.Value > latestAhead ? ranked[i].EstimatedStart!.Value : latestAhead;
            }
        }

        return backfilled.ToImmutable();
    }
}
