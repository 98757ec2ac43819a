using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Web.Reservations;

/// <summary>
/// The calendar's booking form as typed: every field text, times as wall-clock times in the calendar's zone
/// ("2026-12-08T09:00"), CPU in cores and memory in GiB. <see cref="Read"/> turns it into the booking the door
/// checks; what only the door can judge (limits, quota, conflicts) it leaves to the door.
/// </summary>
public sealed class ReservationDraft
{
    public const string TimeFormat = "yyyy-MM-dd'T'HH:mm";

    private static readonly string[] TimeFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm"];

    /// <summary>The booking being changed; null for a new one.</summary>
    public long? Editing { get; init; }

    public string Team { get; set; } = "";

    public string GpuModel { get; set; } = "";

    public string Gpus { get; set; } = "1";

    public string Cpus { get; set; } = "1";

    public string Memory { get; set; } = "8";

    public string From { get; set; } = "";

    public string To { get; set; } = "";

    public string Name { get; set; } = "";

    public string Reason { get; set; } = "";

    public string Recurrence { get; set; } = "";

    /// <summary>A new booking for <paramref name="team"/> on <paramref name="date"/> from 09:00 to 17:00.</summary>
    public static ReservationDraft NewOn(DateOnly date, string team, string gpuModel) => new()
    {
        Team = team,
        GpuModel = gpuModel,
        From = date.ToDateTime(new TimeOnly(9, 0)).ToString(TimeFormat, CultureInfo.InvariantCulture),
        To = date.ToDateTime(new TimeOnly(17, 0)).ToString(TimeFormat, CultureInfo.InvariantCulture),
    };

    /// <summary>A form to change <paramref name="reservation"/>: its window (in <paramref name="zone"/>), GPUs, name and reason.</summary>
    public static ReservationDraft Of(AdvanceReservation reservation, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(zone);
        return new()
        {
            Editing = reservation.Id,
            Team = reservation.Team,
            GpuModel = reservation.GpuModel,
            Gpus = reservation.Gpus.ToString(CultureInfo.InvariantCulture),
            Cpus = (reservation.CpuMillicores / 1000m).ToString(CultureInfo.InvariantCulture),
            Memory = (reservation.MemoryMiB / 1024m).ToString(CultureInfo.InvariantCulture),
            From = TimeZoneInfo.ConvertTime(reservation.Start, zone).ToString(TimeFormat, CultureInfo.InvariantCulture),
            To = TimeZoneInfo.ConvertTime(reservation.End, zone).ToString(TimeFormat, CultureInfo.InvariantCulture),
            Name = reservation.Name,
            Reason = reservation.Reason,
            Recurrence = reservation.Recurrence ?? "",
        };
    }

    /// <summary>
    /// The booking the form describes (for an edit, <paramref name="existing"/> with the window, GPUs, name and reason
    /// changed), or the problems by field ("gpus", "start", ...) when a field cannot be read.
    /// </summary>
    public (AdvanceReservation? Booking, ImmutableDictionary<string, string> Problems) Read(TimeZoneInfo zone, AdvanceReservation? existing = null)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var problems = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var gpus = Whole(Gpus, "gpus", "GPUs", problems);
        var cpus = Amount(Cpus, "cpu", "CPU", problems);
        var memory = Amount(Memory, "memory", "Memory", problems);
        var start = Instant(From, "start", "From", zone, problems);
        var end = Instant(To, "end", "To", zone, problems);
        if (problems.Count > 0)
        {
            return (null, problems.ToImmutable());
        }

        var booking = existing is not null
            ? existing with { Name = Name.Trim(), Reason = Reason.Trim(), Gpus = gpus, Start = start, End = end }
            : new AdvanceReservation(0, Name.Trim(), Reason.Trim(), Team.Trim(), GpuModel.Trim(), gpus, (long)(cpus * 1000m), (long)(memory * 1024m),
                start, end, Recurrence.Trim() is { Length: > 0 } rule ? rule : null);
        return (booking, problems.ToImmutable());
    }

    private static int Whole(string text, string field, string label, ImmutableDictionary<string, string>.Builder problems)
    {
        if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems[field] = $"{label} must be a whole number.";
        return 0;
    }

    private static decimal Amount(string text, string field, string label, ImmutableDictionary<string, string>.Builder problems)
    {
        if (text.Trim().Length == 0)
        {
            return 0;
        }

        if (decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value <= 1_000_000m)
        {
            return value;
        }

        problems[field] = $"{label} must be a number, 0 or more.";
        return 0;
    }

    private static DateTimeOffset Instant(string text, string field, string label, TimeZoneInfo zone, ImmutableDictionary<string, string>.Builder problems)
    {
        if (!DateTime.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            problems[field] = $"{label} must be a date and time (2026-12-08T09:00).";
            return default;
        }

        if (zone.IsInvalidTime(local))
        {
            problems[field] = $"{label}: {local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} does not exist in {zone.Id} (the clocks skip it).";
            return default;
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);
    }
}
