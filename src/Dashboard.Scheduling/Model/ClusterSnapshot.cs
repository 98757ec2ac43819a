using System.Collections.Immutable;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// Everything the scheduler may look at, frozen at one instant. <see cref="Scheduler.Plan"/> is a function of
/// this and the current time only.
/// </summary>
public sealed record ClusterSnapshot(
    ImmutableArray<Node> Nodes,
    ImmutableArray<TeamQuota> Quotas,
    PendingQueue Pending,
    ImmutableArray<RunningJob> Running,
    ImmutableArray<TeamUsage> Usage,
    SchedulerSettings Settings)
{
    public static ClusterSnapshot Empty { get; } = new([], [], PendingQueue.Empty, [], [], SchedulerSettings.Default);

    /// <summary>
    /// One node in the shape of each elastic pool that may grow: nodes the cluster could have, never placed on. Only
    /// the never-fits check counts them, so a job that fits a pool's node (but no current node) waits instead of
    /// being refused.
    /// </summary>
    public ImmutableArray<Node> ElasticNodeShapes { get; init; } = [];

    /// <summary>Each owner's last two run times, for the run-time predictions behind estimated starts (see <see cref="Planning.RunTimePredictions"/>).</summary>
    public ImmutableDictionary<string, Planning.OwnerRunTimes> RunTimes { get; init; } = Planning.RunTimePredictions.Empty;

    /// <summary>Holds, dependencies and sweep limits: what <see cref="Control.Eligibility"/> keeps from the scheduler.</summary>
    public Control.JobControls Controls { get; init; } = Control.JobControls.Empty;

    /// <summary>Teams' advance reservations (every state; the scheduler honours the approved ones, see docs/reservations.md).</summary>
    public ImmutableArray<Reservations.AdvanceReservation> Reservations { get; init; } = [];
}

/// <summary>The knobs of a scheduling pass.</summary>
public sealed record SchedulerSettings(
    TimeSpan FairShareHalfLife,
    int BackfillDepth,
    bool ExplainAllPending)
{
    /// <summary>
    /// Seven-day half-life, reservations for the 100 highest blocked jobs, an explanation for every pending job, each
    /// hour of waiting worth <see cref="AgeWeight"/> places in the fair-share order, starving after <see cref="StarvationAfter"/>.
    /// </summary>
    public static SchedulerSettings Default { get; } = new(TimeSpan.FromDays(7), 100, ExplainAllPending: true);

    /// <summary>
    /// Aging: each hour a job has waited moves it this many places up the teams' fair-share order (among jobs of its
    /// priority); 0 turns aging off (the starvation bound still holds).
    /// </summary>
    public double AgeWeight { get; init; } = 4.0;

    /// <summary>
    /// The starvation bound: a job that has waited this long ranks ahead of every job of its priority that has waited
    /// less (oldest first), may borrow before guaranteed jobs are placed, so it gets the first reservation, which later
    /// arrivals cannot push back; once started it is never preempted to reclaim quota.
    /// </summary>
    public TimeSpan StarvationAfter { get; init; } = TimeSpan.FromHours(8);

    /// <summary>
    /// No thrash: a job running on borrowed capacity may not be preempted to reclaim quota before it has run this long
    /// (the reclaiming team waits instead).
    /// </summary>
    public TimeSpan MinRunBeforePreemption { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Reclaim at bounded cost: a borrowing job whose preemption would throw away more than this much GPU-time (GPUs x
    /// time run; 1 GPU-hour: a 1-GPU job after an hour, an 8-GPU job after 7.5 minutes) is not preempted; the reclaiming
    /// team waits for capacity to free instead.
    /// </summary>
    public TimeSpan MaxPreemptionLoss { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// No thrash: a job that was preempted this many times (<see cref="Job.TimesPreempted"/>) is never preempted again,
    /// wherever it restarts; the reclaiming team waits for capacity to free instead. 1: a job loses its work at most once.
    /// Null: no limit (only the rules above protect a restarted job).
    /// </summary>
    public int? MaxPreemptionsPerJob { get; init; } = 1;

    /// <summary>
    /// Drain by plan: a job that would borrow, fits on no node now and has waited this long gets its reservation in the
    /// first walk, at its place in the order, before the guaranteed jobs ranked after it are placed; they then start on
    /// the node it reserved only if they end before its reservation, so that node drains for it. Null: such a job is
    /// reserved for only after every guaranteed job was placed (or once it starves).
    /// </summary>
    public TimeSpan? DrainAfter { get; init; }

    /// <summary>
    /// Advance reservations: GPUs reserved for a team that no job of the reservation waits for may be lent to other
    /// jobs; those jobs are preempted as soon as a job of the reservation waits (at its window's start, or later).
    /// False: before a window only jobs that end before it opens start on its GPUs, and during it only its own jobs.
    /// </summary>
    public bool LendReservedGpus { get; init; }

    /// <summary>Whether a job submitted at <paramref name="submitted"/> may drain a node for itself at <paramref name="now"/> (<see cref="DrainAfter"/>).</summary>
    public bool MayDrain(DateTimeOffset submitted, DateTimeOffset now) => DrainAfter is { } after && now - submitted >= after;

    /// <summary>Whether a job submitted at <paramref name="submitted"/> has waited past the starvation bound at <paramref name="now"/>.</summary>
    public bool IsStarving(DateTimeOffset submitted, DateTimeOffset now) => now - submitted >= StarvationAfter;
}
