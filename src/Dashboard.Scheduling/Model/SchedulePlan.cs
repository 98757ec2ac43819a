using System.Collections.Immutable;

namespace Dashboard.Scheduling.Model;

/// <summary>
/// The decisions of one scheduling pass. The engine carries them out; the plan itself changes nothing.
/// <see cref="Pending"/> builds each explanation when it is read (see <see cref="PendingExplanations"/>).
/// </summary>
public sealed record SchedulePlan(
    ImmutableArray<JobStart> Starts,
    ImmutableArray<JobRefusal> Refusals,
    ImmutableArray<JobPreemption> Preemptions,
    PendingExplanations Pending)
{
    public static SchedulePlan Empty { get; } = new([], [], [], []);
}

/// <summary>Start <see cref="Job"/> now on exactly <see cref="Allocation"/>.</summary>
public sealed record JobStart(Job Job, GpuAllocation Allocation, bool Borrowing);

/// <summary>The job can never run as asked; <see cref="Reason"/> says what to change.</summary>
public sealed record JobRefusal(JobId Job, string Reason);

/// <summary>Stop the borrowing job <see cref="Victim"/> to give its team's nominal capacity back to <see cref="Beneficiary"/>.</summary>
public sealed record JobPreemption(JobId Victim, JobId Beneficiary, string Reason);

/// <summary>
/// Why a job still waits, and when it is expected to start (null: unknown, e.g. it waits for a job without walltime).
/// <see cref="Reservation"/> is set when backfill holds capacity for it.
/// </summary>
public sealed record PendingExplanation(JobId Job, DateTimeOffset? EstimatedStart, PendingReason Reason, BackfillReservation? Reservation);

/// <summary>Capacity held on <see cref="Node"/> from <see cref="Start"/> for a blocked high-priority job; backfill may not delay it.</summary>
public sealed record BackfillReservation(JobId Job, string Node, DateTimeOffset Start, ResourceAmount Amount, string? GpuModel = null, string Team = "");
