using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Reservations;

/// <summary>Where a booking stands: waiting for an admin's approval, honoured by the scheduler, or called off.</summary>
public enum ReservationState
{
    Pending,
    Approved,
    Cancelled,
}

/// <summary>
/// A team's booking of <see cref="Gpus"/> GPUs of <see cref="GpuModel"/> (plus CPU and memory) from <see cref="Start"/>
/// to <see cref="End"/>; with a <see cref="Recurrence"/> (a cron rule, UTC) the window repeats at each of its
/// occurrences, each as long as the first, until the booking is cancelled. Members of <see cref="Team"/> submit jobs
/// into it (<see cref="JobSpec.Reservation"/>); during a window only those jobs may use its GPUs. Not to be confused
/// with the backfill's own reservations for blocked jobs (<see cref="BackfillReservation"/>).
/// </summary>
public sealed record AdvanceReservation(
    long Id,
    string Name,
    string Reason,
    string Team,
    string GpuModel,
    int Gpus,
    long CpuMillicores,
    long MemoryMiB,
    DateTimeOffset Start,
    DateTimeOffset End,
    string? Recurrence = null,
    ReservationState State = ReservationState.Approved,
    string BookedBy = "")
{
    public TimeSpan Length => End - Start;

    public ResourceAmount Amount => new(Gpus, CpuMillicores, MemoryMiB);

    /// <summary>Whether the scheduler keeps GPUs for it (approved; a pending or cancelled booking holds nothing).</summary>
    public bool IsHonoured => State == ReservationState.Approved;

    /// <summary>The window open at <paramref name="now"/> or, if none is, the next one; null when no window ends after <paramref name="now"/>.</summary>
    public ReservationWindow? WindowAt(DateTimeOffset now) => ReservationRecurrence.WindowAt(this, now);

    /// <summary>Every window that overlaps [<paramref name="from"/>, <paramref name="until"/>), in time order.</summary>
    public IEnumerable<ReservationWindow> Windows(DateTimeOffset from, DateTimeOffset until) => ReservationRecurrence.Windows(this, from, until);

    /// <summary>"reservation 3 "paper deadline" (team vision, 8 H100 GPUs)".</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture, $"reservation {Id} \"{Name}\" (team {Team}, {Gpus} {GpuModel} {(Gpus == 1 ? "GPU" : "GPUs")})");
}

/// <summary>One window of a reservation: from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive).</summary>
public readonly record struct ReservationWindow(DateTimeOffset Start, DateTimeOffset End)
{
    public bool Contains(DateTimeOffset at) => Start <= at && at < End;

    public bool Overlaps(ReservationWindow other) => Start < other.End && other.Start < End;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Start.UtcDateTime:yyyy-MM-dd HH:mm}-{End.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
}
