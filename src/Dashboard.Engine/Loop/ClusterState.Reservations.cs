using System.Collections.Immutable;
using Dashboard.Data.Reservations;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Engine.Loop;

/// <summary>Advance reservations in the engine: booked, edited, approved and cancelled here (checked, written, audited), read by every pass from the snapshot.</summary>
internal sealed partial class ClusterState
{
    private long? nextReservationId;

    /// <summary>The id the next booking gets (the stored ones' highest plus one, as recovered).</summary>
    public long NextReservationId
    {
        get => nextReservationId ?? recovered.NextReservationId;
        private set => nextReservationId = value;
    }

    public CommandResult ApplyReservation(ReservationCommand command, EngineBatch batch) => command switch
    {
        BookReservationCommand c => Book(c, batch),
        EditReservationCommand c => Edit(c, batch),
        ApproveReservationCommand c => Approve(c, batch),
        CancelReservationCommand c => CancelReservation(c, batch),
        _ => throw new ArgumentException($"{command.GetType().Name} is not a reservation command.", nameof(command)),
    };

    private CommandResult Book(BookReservationCommand command, EngineBatch batch)
    {
        var proposed = command.Proposed with { Id = 0, State = ReservationState.Approved, BookedBy = command.Actor };
        var verdict = BookingCheck.Check(proposed, Snapshot, command.Limits, batch.Now, command.ByAdmin);
        if (!verdict.Accepted)
        {
            return CommandResult.Invalid(verdict.Problems);
        }

        var booked = proposed with { Id = NextReservationId, State = verdict.NeedsApproval ? ReservationState.Pending : ReservationState.Approved };
        NextReservationId = booked.Id + 1;
        Write(null, booked, command.Actor, "reservation.book", batch);
        return CommandResult.Done(Summary(booked, verdict, "booked")) with { Reservation = booked.Id };
    }

    private CommandResult Edit(EditReservationCommand command, EngineBatch batch)
    {
        if (Current(command.Edited.Id) is not { } existing)
        {
            return CommandResult.NotFound($"reservation {command.Edited.Id} does not exist or was cancelled");
        }

        if (existing.Team != command.Edited.Team)
        {
            return CommandResult.Forbidden($"reservation {existing.Id} is team {existing.Team}'s");
        }

        var edited = command.Edited with { State = existing.State, BookedBy = existing.BookedBy };
        var verdict = BookingCheck.Check(edited, Snapshot, command.Limits, batch.Now, command.ByAdmin);
        if (!verdict.Accepted)
        {
            return CommandResult.Invalid(verdict.Problems);
        }

        if (verdict.NeedsApproval)
        {
            edited = edited with { State = ReservationState.Pending };
        }

        Write(existing, edited, command.Actor, "reservation.edit", batch);
        return CommandResult.Done(Summary(edited, verdict, "changed")) with { Reservation = edited.Id };
    }

    private CommandResult Approve(ApproveReservationCommand command, EngineBatch batch)
    {
        if (Current(command.Reservation) is not { } existing)
        {
            return CommandResult.NotFound($"reservation {command.Reservation} does not exist or was cancelled");
        }

        if (existing.State == ReservationState.Approved)
        {
            return CommandResult.Done($"reservation {existing.Id} is already approved");
        }

        var verdict = BookingCheck.Check(existing, Snapshot, BookingLimits.Default, batch.Now, byAdmin: true);
        if (!verdict.Accepted)
        {
            return CommandResult.Conflict($"reservation {existing.Id} can no longer be honoured: {string.Join(" ", verdict.Problems.Select(p => p.Message))}");
        }

        var approved = existing with { State = ReservationState.Approved };
        Write(existing, approved, command.Actor, "reservation.approve", batch);
        return CommandResult.Done($"reservation {approved.Id} approved");
    }

    private CommandResult CancelReservation(CancelReservationCommand command, EngineBatch batch)
    {
        var existing = Snapshot.Reservations.FirstOrDefault(r => r.Id == command.Reservation);
        if (existing is null)
        {
            return CommandResult.NotFound($"reservation {command.Reservation} does not exist");
        }

        if (existing.Team != command.Team)
        {
            return CommandResult.Forbidden($"reservation {existing.Id} is team {existing.Team}'s");
        }

        if (existing.State == ReservationState.Cancelled)
        {
            return CommandResult.Done($"reservation {existing.Id} is already cancelled");
        }

        Write(existing, existing with { State = ReservationState.Cancelled }, command.Actor, "reservation.cancel", batch);
        return CommandResult.Done($"reservation {existing.Id} cancelled");
    }

    /// <summary>Why <paramref name="spec"/> cannot be submitted into its reservation; null when it names none or one of its team's that is still to come or open.</summary>
    public FieldError? ReservationProblem(JobSpec spec, DateTimeOffset now)
    {
        if (spec.Reservation is not { } id)
        {
            return null;
        }

        var reservation = Current(id);
        return reservation is null ? new FieldError("reservation", $"Reservation {id} does not exist or was cancelled.")
            : reservation.Team != spec.Team ? new FieldError("reservation", $"Reservation {id} is team {reservation.Team}'s; submit into it as a member of that team.")
            : reservation.WindowAt(now) is null ? new FieldError("reservation", $"Reservation {id} has ended.")
            : null;
    }

    private AdvanceReservation? Current(long id) =>
        Snapshot.Reservations.FirstOrDefault(r => r.Id == id && r.State != ReservationState.Cancelled);

    private void Write(AdvanceReservation? before, AdvanceReservation after, string actor, string action, EngineBatch batch)
    {
        var others = Snapshot.Reservations.Where(r => r.Id != after.Id);
        Snapshot = Snapshot with { Reservations = [.. others, after] };
        batch.Changes.Add(new ReservationWritten(after, batch.Now));
        batch.Changes.Add(Audit(batch.Now, actor, action, $"reservation:{after.Id}", before, after));
        batch.NeedsPlan = true;
    }

    private static string Summary(AdvanceReservation reservation, BookingVerdict verdict, string done)
    {
        var text = $"reservation {reservation.Id} {(reservation.State == ReservationState.Pending ? "waits for an admin's approval" : done)}";
        return verdict.JobsInTheWay.IsEmpty
            ? text
            : text + "; running jobs must end first: " + string.Join("; ", verdict.JobsInTheWay.Select(j => j.Describe()));
    }
}
