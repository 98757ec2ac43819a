using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// A running job holding GPUs a booking needs on <see cref="Node"/>: <see cref="EndsInTime"/> when its walltime ends
/// before the window opens; otherwise it is preempted when the window opens, if it still runs.
/// </summary>
public sealed record JobInTheWay(JobId Job, string Team, string Node, int Gpus, DateTimeOffset? ExpectedEnd, bool EndsInTime)
{
    public string Describe() => EndsInTime
        ? $"job {Job} (team {Team}) holds {Units.Gpus(Gpus)} on {Node} and its walltime ends at {ExpectedEnd!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC, in time"
        : ExpectedEnd is { } end
            ? $"job {Job} (team {Team}) holds {Units.Gpus(Gpus)} on {Node} and its walltime ends at {end.UtcDateTime:yyyy-MM-dd HH:mm} UTC, after the window opens: it is preempted then if it still runs"
            : $"job {Job} (team {Team}) holds {Units.Gpus(Gpus)} on {Node} and has no walltime: it is preempted when the window opens if it still runs";
}

/// <summary>
/// What <see cref="BookingCheck.Check"/> found: the problems that refuse the booking (none: it may be booked), the
/// reservations it conflicts with, the running jobs that must end first, where its GPUs would be kept, and whether it
/// waits for an admin's approval.
/// </summary>
public sealed record BookingVerdict(
    ImmutableArray<FieldError> Problems,
    ImmutableArray<AdvanceReservation> Conflicts,
    ImmutableArray<JobInTheWay> JobsInTheWay,
    ImmutableArray<ReservationPin> Pins,
    bool NeedsApproval)
{
    public bool Accepted => Problems.IsEmpty;
}
