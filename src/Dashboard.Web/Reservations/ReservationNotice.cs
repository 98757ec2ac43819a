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

/// <summary>A booking in one line for people: "team vision, 8 × H100, Tue 8 Dec 09:00–17:00 (Europe/Berlin), approved, booked by lead".</summary>
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
        var repeats = reservation.Recurrence is { } rule ? $", repeats at '{rule}' (UTC)" : "";
        var state = reservation.State == ReservationState.Pending ? "pending approval" : "approved";
        return string.Create(CultureInfo.InvariantCulture,
            $"Reservation {reservation.Id}: team {reservation.Team}, {reservation.Gpus} × {reservation.GpuModel}, {reservation.CpuMillicores / 1000m} CPUs, {reservation.MemoryMiB / 1024m} GiB, {window} ({zone.Id}){repeats}, {state}, booked by {reservation.BookedBy}");
    }
}
