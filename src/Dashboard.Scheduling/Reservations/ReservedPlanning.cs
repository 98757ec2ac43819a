using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// A scheduling pass over a snapshot with advance reservations: the gate (<see cref="ReservationGate"/>) keeps jobs
/// out of a reservation until its window opens, the pass holds the reservations' GPUs (<see cref="AdvanceHolds"/>: a
/// job outside one starts on its GPUs only if it ends before the window opens; during the window only its own jobs
/// use them), and <see cref="ReservationEvictions"/> names the outside jobs still on them during a window. A snapshot
/// without reservations never comes here, so plans without them are exactly what they were.
/// </summary>
internal static class ReservedPlanning
{
    public static SchedulePlan Plan(ClusterSnapshot snapshot, DateTimeOffset now, Scheduler.EstimateStarts estimator)
    {
        var gate = ReservationGate.Split(snapshot, now);
        SchedulePlan plan;
        using (var pass = new PlanningPass(gate.Eligible, now, estimator))
        {
            plan = pass.Run();
        }

        var evictions = ReservationEvictions.Find(gate.Eligible, plan, now);
        if (gate.Waiting.IsEmpty && gate.Refused.IsEmpty && evictions.IsEmpty)
        {
            return plan;
        }

        return plan with
        {
            Refusals = plan.Refusals.AddRange(gate.Refused),
            Preemptions = plan.Preemptions.AddRange(evictions),
            Pending = gate.Waiting.IsEmpty ? plan.Pending : PendingExplanations.From([.. plan.Pending, .. gate.Waiting.Select(EligibilitySplit.Explain)]),
        };
    }

    /// <summary>
    /// What <see cref="Plan"/> decides about <paramref name="job"/> alone: the gate's refusal or wait as the plan adds
    /// them, else the pass's answer on what the gate leaves (evictions name running jobs, never change a pending one's).
    /// </summary>
    public static OneJobOutcome PlanFor(ClusterSnapshot snapshot, DateTimeOffset now, JobId job)
    {
        var gate = ReservationGate.Split(snapshot, now);
        if (gate.Refused.FirstOrDefault(r => r.Job == job) is { } refused)
        {
            return new OneJobOutcome(null, refused, null);
        }

        if (gate.Waiting.FirstOrDefault(w => w.Job.Id == job) is { } waiting)
        {
            return new OneJobOutcome(null, null, EligibilitySplit.Explain(waiting));
        }

        using var pass = new PlanningPass(gate.Eligible, now, StartEstimator.Estimate);
        return pass.RunFor(job);
    }
}
