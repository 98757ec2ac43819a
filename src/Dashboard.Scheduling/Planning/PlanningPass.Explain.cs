using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>Step 6: explaining every job that still waits.</summary>
internal sealed partial class PlanningPass
{
    /// <summary>
    /// 6. Every job still waiting gets its reason and an estimated start: the estimates are computed here, the
    /// explanation records are built when the plan's reader asks for them (from a copy of the facts they need).
    /// </summary>
    private PendingExplanations Explain()
    {
        var estimates = settings.ExplainAllPending ? waiting.Estimates : null;
        if (estimates is not null)
        {
            estimator(capacity, quota.Clone(), Holding(), waiting, now, estimates);
        }

        // Quota use and ceilings are final now: look each team up once, not once per job.
        var teamNames = waiting.TeamNames;
        var inUse = new ResourceAmount[teamNames.Length];
        var ceilings = new ResourceAmount[teamNames.Length];
        for (var t = 0; t < teamNames.Length; t++)
        {
            inUse[t] = quota.InUse(ledgerSlots[t]);
            ceilings[t] = quota.Ceiling(ledgerSlots[t]);
        }

        var explanations = new WaitingExplanations(waiting, estimates, now, inUse, ceilings, predicted: !snapshot.RunTimes.IsEmpty);
        return PendingExplanations.Lazy(quotaFullRuns.Runs is not { } runs ? explanations : new QuotaFullRunsExplanations(explanations, runs, inUse, ceilings));
    }

    /// <summary>Every job that holds capacity after the walk (running and just started), each expected to end as its owner's history predicts (walltime as the limit).</summary>
    private IEnumerable<RunningJob> Holding()
    {
        var holding = snapshot.Running.Concat(starts.Select(s => new RunningJob(s.Job, s.Allocation, s.Borrowing)));
        if (!snapshot.RunTimes.IsEmpty)
        {
            holding = holding.Select(r => RunTimePredictions.ExpectedEnd(snapshot.RunTimes, r, now) is var end && end != r.Allocation.ExpectedEnd
                ? r with { Allocation = r.Allocation with { ExpectedEnd = end } }
                : r);
        }

        return holding;
    }
}
