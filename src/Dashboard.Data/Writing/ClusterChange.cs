using Dashboard.Data.Audit;
using Dashboard.Data.Usage;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Writing;

/// <summary>
/// One fact to persist. The engine applies a batch of commands, collects the resulting changes and hands them
/// to <see cref="ClusterWriter"/>, which writes them all in one transaction, in order.
/// </summary>
public abstract record ClusterChange;

/// <summary>A new job, stored as Pending (with a "submitted" event).</summary>
public sealed record JobSubmitted(Job Job) : ClusterChange;

/// <summary>
/// A job moved between states (checked against <see cref="JobStateTransitions"/> and against the stored state).
/// Entering Running sets the start time; entering a terminal state sets the end time. Also appended to job_events.
/// </summary>
public sealed record JobStateChanged(JobId Job, JobState From, JobState To, DateTimeOffset At, string? Reason = null, int? ExitCode = null) : ClusterChange
{
    /// <summary>
    /// Running to Pending because the scheduler preempted the job: its stored preemption count (db/0017) grows by one in
    /// the same statement, so recovery reads back <see cref="Job.TimesPreempted"/>.
    /// </summary>
    public bool Preempted { get; init; }
}

/// <summary>A job took exactly these GPUs, CPU and memory. SQLite refuses a GPU that another job still holds.</summary>
public sealed record AllocationMade(GpuAllocation Allocation, bool Borrowing) : ClusterChange;

/// <summary>A job gave its allocation back (it ended or was preempted).</summary>
public sealed record AllocationReleased(JobId Job, DateTimeOffset At) : ClusterChange;

/// <summary>
/// Running jobs' GPU indices on <paramref name="Node"/> replaced by the ones really bound (a Slurm node binds its own):
/// every job's old indices are let go before any new one is taken, so two jobs may swap GPUs.
/// </summary>
public sealed record GpuIndicesCorrected(string Node, IReadOnlyList<(JobId Job, System.Collections.Immutable.ImmutableArray<int> GpuIndices)> Corrections) : ClusterChange;

/// <summary>What the backend says about a running job (Slurm keeps it pending, and why): its reason, and one row of its history.</summary>
public sealed record JobNoted(JobId Job, DateTimeOffset At, string Note) : ClusterChange;

/// <summary>A running job became preemptible (borrowing) or guaranteed again.</summary>
public sealed record BorrowingChanged(JobId Job, bool Borrowing) : ClusterChange;

public sealed record QuotaSet(TeamQuota Quota, DateTimeOffset At) : ClusterChange;

/// <summary>A node appeared or its inventory changed; its GPU list replaces the stored one.</summary>
public sealed record NodeUpserted(Node Node, DateTimeOffset At) : ClusterChange;

public sealed record NodeStateChanged(string Node, NodeState State, string? Reason, DateTimeOffset At) : ClusterChange;

/// <summary>An elastic pool's node was handed back to its provider: it leaves the cluster (its row stays, Released, for history).</summary>
public sealed record NodeReleased(string Node, string? Reason, DateTimeOffset At) : ClusterChange;

/// <summary>An admin paused or resumed an elastic pool's scaling.</summary>
public sealed record ElasticPoolPaused(string Pool, bool Paused, DateTimeOffset At) : ClusterChange;

/// <summary>An entry of an elastic pool's scale history (db/0005 elastic_scale_actions).</summary>
public sealed record ScaleActionRecorded(ScaleAction Action) : ClusterChange;

/// <summary>A team's fair-share usage, already decayed to its AsOf.</summary>
public sealed record TeamUsageSet(TeamUsage Usage) : ClusterChange;

/// <summary>A job's usage totals (replacing earlier totals of the same job).</summary>
public sealed record JobUsageRecorded(JobUsage Usage) : ClusterChange;

/// <summary>One minute of a team's utilisation (replacing a sample of the same team, minute and simulated flag).</summary>
public sealed record TeamUtilisationSampled(UtilisationSample Sample) : ClusterChange;

/// <summary>One minute of a user's utilisation (replacing a sample of the same user, minute and simulated flag).</summary>
public sealed record UserUtilisationSampled(UtilisationSample Sample) : ClusterChange;

public sealed record AuditAppended(AuditEntry Entry) : ClusterChange;
