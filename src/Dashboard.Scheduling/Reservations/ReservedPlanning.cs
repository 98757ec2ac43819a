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
}
