using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// One <see cref="Scheduler.Plan(ClusterSnapshot, DateTimeOffset)"/>: the snapshot taken apart into working state
/// (capacity, quota ledger, reservations) and <see cref="Run"/>, the recipe that decides every pending job against it.
/// The steps live beside this file: deciding one job in PlanningPass.Decide.cs, stopping early in
/// PlanningPass.StopEarly.cs, explaining in PlanningPass.Explain.cs.
/// </summary>
internal sealed partial class PlanningPass : IDisposable
{
    private readonly ClusterSnapshot snapshot;
    private readonly DateTimeOffset now;
    private readonly SchedulerSettings settings;
    private readonly Scheduler.EstimateStarts estimator;

    // The cluster as the pass sees it, changed by every start it decides.
    private readonly NeverFits neverFits;
    private JobOrder order;
    private readonly QuotaLedger quota;
    private readonly NodeCapacity capacity;
    private readonly ReservationBook reservations;
    private readonly QuotaReclaim reclaim;
    private readonly BusyHorizons horizons;

    /// <summary>Each pending team's slot in <see cref="quota"/>, by team number.</summary>
    private readonly int[] ledgerSlots;

    // What the pass decided.
    private readonly ImmutableArray<JobStart>.Builder starts = ImmutableArray.CreateBuilder<JobStart>();
    private readonly ImmutableArray<JobRefusal>.Builder refusals = ImmutableArray.CreateBuilder<JobRefusal>();
    private readonly ImmutableArray<JobPreemption>.Builder preemptions = ImmutableArray.CreateBuilder<JobPreemption>();
    private readonly WaitingJobs waiting;

    /// <summary>Jobs left waiting for a full team quota in runs (<see cref="TakeQuotaFullRun"/>), in order.</summary>
    private readonly QuotaFullRunList quotaFullRuns = new();

    // Shortcuts: answers the pass would otherwise compute again for every job.
    private readonly DecidedJobs decidedFirst;
    private readonly FewestGpusAsked fewestGpusAsked;
    private readonly NeverFitSuspects neverFitSuspects;
    private readonly FreeCpuSeen freeCpuSeen = new();

    /// <summary>The team number (see <see cref="JobOrder.LastTeamNumber"/>) of the job being decided.</summary>
    private int team;

    /// <summary>Whether the job <see cref="Decide"/> decided last was blocked by its team's quota.</summary>
    private bool lastBlockedByQuota;

    /// <summary>Whether a job that would borrow already reserved in the first walk to drain a node (one per pass: <see cref="SchedulerSettings.DrainAfter"/>).</summary>
    private bool drainsANode;

    /// <summary>Whether the pass found the cluster full and dropped the teams that can no longer act (<see cref="NothingMoreCanChange"/>).</summary>
    private bool clusterFullHandled;

    public PlanningPass(ClusterSnapshot snapshot, DateTimeOffset now, Scheduler.EstimateStarts estimator)
    {
        this.snapshot = snapshot;
        this.now = now;
        this.estimator = estimator;
        settings = snapshot.Settings;
        var held = snapshot.Running.Select(r => r.Allocation).ToList();
        neverFits = NeverFits.For(snapshot);
        order = new JobOrder(snapshot, now);
        quota = new QuotaLedger(snapshot.Quotas, snapshot.Running);
        capacity = new NodeCapacity(snapshot.Nodes, held);
        reservations = new ReservationBook(capacity, snapshot.Running, now);
        reclaim = new QuotaReclaim(capacity, snapshot.Running, settings, now);
        horizons = new BusyHorizons(capacity, now);
        Reservations.AdvanceHolds.Place(snapshot, now, capacity, reservations);
        foreach (var running in snapshot.Running)
        {
            horizons.Extend(capacity.IndexOf(running.Allocation.Node), running.Allocation.ExpectedEnd);
        }

        waiting = new WaitingJobs([.. snapshot.Pending.ByTeam.Keys]);
        decidedFirst = new DecidedJobs(snapshot.Pending);
        ledgerSlots = [.. waiting.TeamNames.Select(quota.SlotOf)];
        fewestGpusAsked = new FewestGpusAsked(snapshot.Pending, waiting.TeamNames);
        neverFitSuspects = new NeverFitSuspects(neverFits, snapshot.Pending, waiting.TeamNames);
    }

    /// <summary>
    /// The recipe (step numbers as in <see cref="Scheduler"/>). The constructor took the snapshot apart into working
    /// state; <see cref="JobOrder"/> gives the jobs in order (2.); <see cref="Decide"/> refuses (1.), admits (3.),
    /// places (4.) around the reservations (5.), reclaims (7.) or leaves each job waiting, reserving for it (5.).
    /// </summary>
    public SchedulePlan Run()
    {
        // Within nominal quota first: every team's guaranteed share has its turn before idle capacity is lent.
        Walk(borrowingAllowed: false);

        // Then a fresh walk in the same order for the jobs that would borrow.
        order = new JobOrder(order);
        Walk(borrowingAllowed: true);

        // 1. A walk that stopped early still refuses every job that can never fit.
        RefuseTheRestThatCanNeverFit();

        // 6. Every job still waiting gets its reason and an estimated start.
        return new SchedulePlan(starts.ToImmutable(), refusals.ToImmutable(), preemptions.ToImmutable(), Explain());
    }

    /// <summary>
    /// Takes the pending jobs in order (priority, fair share, submit time, id: <see cref="JobOrder"/>) and decides each,
    /// until none is left or <see cref="NothingMoreCanChange"/>. The borrowing walk skips what the first walk decided.
    /// </summary>
    private void Walk(bool borrowingAllowed)
    {
        while (order.Next() is not null)
        {
            // The job's keys and request as the merge read them (from the team queue's arrays): the pass reads
            // the Job itself only on the rarer paths (a refusal, a start, a reservation, a reclaim).
            ref readonly var job = ref order.Last;
            if (borrowingAllowed && decidedFirst.Contains(order.LastTeamNumber, order.LastPositionInTeam))
            {
                continue;
            }

            if (!settings.ExplainAllPending && NothingMoreCanChange(borrowingAllowed))
            {
                break;
            }

            team = order.LastTeamNumber;
            lastBlockedByQuota = false;
            var deferred = Decide(job, borrowingAllowed);
            if (!borrowingAllowed)
            {
                if (!deferred)
                {
                    decidedFirst.Add(order.LastTeamNumber, order.LastPositionInTeam);
                }

                if (NoNominalRoomLeft(waiting.TeamNames[team], ledgerSlots[team]))
                {
                    // Every later job of this team would borrow: it is the second walk's.
                    order.DropTeam(waiting.TeamNames[team]);
                }
            }

            if (lastBlockedByQuota && !settings.ExplainAllPending && QuotaAdmitsNoMoreOf(team))
            {
                TakeQuotaFullRun(borrowingAllowed);
            }
        }
    }

    /// <summary>Gives the pooled array of the waiting jobs back.</summary>
    public void Dispose() => waiting.Dispose();
}
