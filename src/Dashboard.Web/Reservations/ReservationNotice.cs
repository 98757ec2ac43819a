using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Web.Reservations;

/// <summary>What the calendar says after a command: the door's answer in words, and each refused field's reason.</summary>
public sealed record ReservationNotice(bool Refused, string Text, ImmutableArray<string> Problems)
{
    public static ReservationNotice Of(CommandResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Succeeded)
        {
            return new(false, result.Reason ?? "Done.", []);
        }

        var problems = result.Errors.Select(e => e.Message).ToImmutableArray();
        var text = problems.Length > 0 ? "Refused:" : $"Refused: {result.Reason}";
        return new(true, text, problems);
    }

    public static ReservationNotice Refusal(string text, IEnumerable<string> problems) => new(true, text, [.. problems]);
}

/// <summary>
/// A booking in one line for people: "team vision, 8 × H100, Tue 8 Dec 09:00–17:00 (Europe/Berlin), approved, booked by
/// lead", its recurrence with the next windows' openings in the calendar's zone.
/// </summary>
public static class ReservationFacts
{
    public static string Describe(AdvanceReservation reservation, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(zone);
        var start = TimeZoneInfo.ConvertTime(reservation.Start, zone);
        var end = TimeZoneInfo.ConvertTime(reservation.End, zone);
        var window = start.Date == end.Date
            ? $"{start.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture)}–{end.ToString("HH:mm", CultureInfo.InvariantCulture)}"
            : $"{start.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture)} – {end.ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture)}";
        var repeats = Repeats(reservation, zone) is { } rule ? ", " + rule : "";
        var state = reservation.State == ReservationState.Pending ? "pending approval" : "approved";
        return string.Create(CultureInfo.InvariantCulture,
            $"Reservation {reservation.Id}: team {reservation.Team}, {reservation.Gpus} × {reservation.GpuModel}, {reservation.CpuMillicores / 1000m} CPUs, {reservation.MemoryMiB / 1024m} GiB, {window} ({zone.Id}){repeats}, {state}, booked by {reservation.BookedBy}");
    }

    /// <summary>Windows after the first that <see cref="Repeats"/> names.</summary>
    public const int NextWindowsNamed = 2;

    /// <summary>
    /// "repeats at '0 9 * * 1-5' (a cron rule in UTC; then opens Mon 30 Nov 10:00, Tue 1 Dec 10:00, … Europe/Berlin
    /// time)": the rule as the scheduler reads it (in UTC) and, so nobody has to convert it, when the windows after the
    /// first open in <paramref name="zone"/>, the zone named. Null for a booking that does not repeat.
    /// </summary>
    public static string? Repeats(AdvanceReservation reservation, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(zone);
        if (reservation.Recurrence is not { } rule)
        {
            return null;
        }

        if (ReservationRecurrence.Problem(rule) is not null)
        {
            return $"repeats at '{rule}' (a cron rule in UTC)";
        }

        var next = reservation.Windows(reservation.End, DateTimeOffset.MaxValue).Take(NextWindowsNamed)
            .Select(w => TimeZoneInfo.ConvertTime(w.Start, zone).ToString("ddd d MMM HH:mm", CultureInfo.InvariantCulture))
            .ToList();
        return next.Count == 0
            ? $"repeats at '{rule}' (a cron rule in UTC; it opens no further window)"
            : $"repeats at '{rule}' (a cron rule in UTC; then opens {string.Join(", ", next)}{(next.Count == NextWindowsNamed ? ", …" : "")} {zone.Id} time)";
    }
}
