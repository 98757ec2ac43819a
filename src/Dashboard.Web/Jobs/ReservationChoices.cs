using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Web.Jobs;

/// <summary>One reservation a job may be submitted into: its number (the form's value) and how it reads in the list.</summary>
public sealed record ReservationChoice(string Value, string Text);

/// <summary>
/// The reservations the Submit form offers for a team: the team's approved bookings with a window open now or still
/// to come, by id. Pending, cancelled, ended and other teams' bookings are not offered (the engine would refuse them).
/// </summary>
public static class ReservationChoices
{
    public static ImmutableArray<ReservationChoice> For(IEnumerable<AdvanceReservation> reservations, string team, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        return
        [
            .. reservations
                .Where(r => r.Team == team && r.State == ReservationState.Approved)
                .Select(r => (Reservation: r, Window: r.WindowAt(now)))
                .Where(c => c.Window is not null)
                .OrderBy(c => c.Reservation.Id)
                .Select(c => new ReservationChoice(
                    c.Reservation.Id.ToString(CultureInfo.InvariantCulture),
                    $"{c.Reservation.Id.ToString(CultureInfo.InvariantCulture)}: {c.Reservation.Name} ({c.Reservation.Gpus} × {c.Reservation.GpuModel}, {(c.Window!.Value.Contains(now) ? "open now until " + c.Window.Value.End.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : c.Window.Value.ToString())})")),
        ];
    }
}
