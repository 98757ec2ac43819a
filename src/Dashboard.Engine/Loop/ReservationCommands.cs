using Dashboard.Scheduling.Reservations;

namespace Dashboard.Engine.Loop;

/// <summary>A command on advance reservations; applied by <see cref="ClusterState"/>'s reservations part. The door checked who may send it.</summary>
internal abstract record ReservationCommand(string Actor) : EngineCommand;

/// <summary>Book <paramref name="Proposed"/> (its id is ignored) under <paramref name="Limits"/>; an admin's booking is not bound by them nor waits for approval.</summary>
internal sealed record BookReservationCommand(AdvanceReservation Proposed, BookingLimits Limits, bool ByAdmin, string Actor) : ReservationCommand(Actor);

/// <summary>Change a booking's fields (name, reason, size, window, recurrence), checked again as a booking.</summary>
internal sealed record EditReservationCommand(AdvanceReservation Edited, BookingLimits Limits, bool ByAdmin, string Actor) : ReservationCommand(Actor);

/// <summary>An admin approves a booking that waits for approval.</summary>
internal sealed record ApproveReservationCommand(long Reservation, string Actor) : ReservationCommand(Actor);

/// <summary>Call a booking of <paramref name="Team"/> off; jobs submitted into it are refused at the next pass.</summary>
internal sealed record CancelReservationCommand(long Reservation, string Team, string Actor) : ReservationCommand(Actor);
