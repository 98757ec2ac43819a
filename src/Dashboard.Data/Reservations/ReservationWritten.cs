using Dashboard.Data.Writing;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Data.Reservations;

/// <summary>An advance reservation was booked, edited, approved or cancelled: its row as it is now.</summary>
public sealed record ReservationWritten(AdvanceReservation Reservation, DateTimeOffset At) : ClusterChange;
