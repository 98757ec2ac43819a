using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Decides which pending job gets which GPUs on which node, now, and why the others wait. A pure function of a
/// snapshot and the current time, read as a recipe:
/// 1. refuse what can never fit; 2. order by priority, fair share, submit time, id; 3. admit against quota
/// (nominal, or borrowing up to the limit); 4. place by best fit on exact GPU indices; 5. backfill around the
/// reservations of the highest blocked jobs; 6. explain every job that still waits, with an estimated start;
/// 7. name borrowed jobs to preempt when a team cannot get its nominal share.
/// Jobs admitted within their team's nominal quota are placed before jobs that would borrow (as Kueue does):
/// idle capacity is lent only after every team's guaranteed share has had its turn, so capacity reclaimed for a
/// team is not borrowed straight back by the team it was taken from.
/// The recipe is <see cref="PlanningPass.Run"/>; each step is a method of <see cref="PlanningPass"/> in the file
/// named for it (PlanningPass.Decide.cs, PlanningPass.StopEarly.cs, PlanningPass.Explain.cs).
/// </summary>
public static class Scheduler
{
    public static SchedulePlan Plan(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Reservations.IsEmpty)
        {
            return Reservations.ReservedPlanning.Plan(snapshot, now, StartEstimator.Estimate);
        }

        using var pass = new PlanningPass(snapshot, now, StartEstimator.Estimate);
        return pass.Run();
    }

    /// <summary>
    /// The plan with another start estimator in step 6 (tests compare the fast estimator with the reference one
    /// through whole plans).
    /// </summary>
    internal static SchedulePlan Plan(ClusterSnapshot snapshot, DateTimeOffset now, EstimateStarts estimator)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Reservations.IsEmpty)
        {
            return Reservations.ReservedPlanning.Plan(snapshot, now, estimator);
        }

        using var pass = new PlanningPass(snapshot, now, estimator);
        return pass.Run();
    }

    /// <summary>
    /// What <see cref="Plan"/> decides about <paramref name="job"/> alone (the what-if): the same gate and walks, with
    /// step 6 cut to that job (<see cref="PlanningPass.RunFor"/>).
    /// </summary>
    internal static OneJobOutcome PlanFor(ClusterSnapshot snapshot, DateTimeOffset now, JobId job)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!snapshot.Reservations.IsEmpty)
        {
            return Reservations.ReservedPlanning.PlanFor(snapshot, now, job);
        }

        using var pass = new PlanningPass(snapshot, now, StartEstimator.Estimate);
        return pass.RunFor(job);
    }

    /// <summary>Step 6's estimator: see <see cref="StartEstimator.Estimate"/>.</summary>
    internal delegate void EstimateStarts(NodeCapacity capacity, QuotaLedger quota, IEnumerable<RunningJob> holding, WaitingJobs jobsInOrder, DateTimeOffset now, DateTimeOffset?[] estimates);
}
