using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// A pass that answers for one job only (the what-if): the same walks as <see cref="Run"/>, so every decision is the
/// full pass's, but step 6 explains that one job instead of every waiting one and its start simulation stops as soon
/// as that job's estimate is known.
/// </summary>
internal sealed partial class PlanningPass
{
    /// <summary>
    /// What the full <see cref="Run"/> would say of <paramref name="job"/> (a pending job of the snapshot): its start,
    /// its refusal or its explanation. The pass must explain every pending job
    /// (<see cref="SchedulerSettings.ExplainAllPending"/>): only then does its walk reach every job.
    /// </summary>
    public OneJobOutcome RunFor(JobId job)
    {
        if (!settings.ExplainAllPending)
        {
            throw new InvalidOperationException("A pass for one job's answer must explain every pending job: a pass that stops early may never reach it.");
        }

        Walk(borrowingAllowed: false);
        order = new JobOrder(order);
        Walk(borrowingAllowed: true);

        foreach (var start in starts)
        {
            if (start.Job.Id == job)
            {
                return new OneJobOutcome(start, null, null);
            }
        }

        foreach (var refusal in refusals)
        {
            if (refusal.Job == job)
            {
                return new OneJobOutcome(null, refusal, null);
            }
        }

        var index = WaitingPosition(job);
        if (index < 0)
        {
            return new OneJobOutcome(null, null, null);
        }

        var estimates = waiting.Estimates;
        StartEstimator.Estimate(capacity, quota.Clone(), Holding(), waiting, now, estimates, decidedLast: index);
        var slot = ledgerSlots[waiting.Facts(index).Team];
        var explanation = WaitingExplanations.Explain(waiting.Facts(index), index, estimates[index], now, quota.InUse(slot), quota.Ceiling(slot), predicted: !snapshot.RunTimes.IsEmpty);
        return new OneJobOutcome(null, null, explanation);
    }

    private int WaitingPosition(JobId job)
    {
        for (var i = 0; i < waiting.Count; i++)
        {
            if (waiting.Demand(i).Id == job.Value)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>What a pass decided about one job: exactly one of a start, a refusal or an explanation (none: the pass did not see the job).</summary>
internal sealed record OneJobOutcome(JobStart? Start, JobRefusal? Refusal, PendingExplanation? Waiting);
