using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Reservations;

/// <summary>Which grid the calendar draws: seven days with hours, or a month of day cells.</summary>
public enum CalendarMode
{
    Week,
    Month,
}

/// <summary>
/// The reservations calendar as a grid, computed without a page: the days of the week (Monday first) or of the
/// month's weeks around <c>anchor</c>, each with the reservation windows that fall in it as blocks. Days are the
/// calendar days of <c>zone</c> (the server's configured zone), so a day across a daylight-saving change is 23 or 25
/// hours long and a block's place in it follows the clock on the wall, not a fixed 24 hours.
/// </summary>
public sealed record ReservationCalendar(
    CalendarMode Mode,
    DateOnly Anchor,
    string Title,
    DateOnly Previous,
    DateOnly Next,
    ImmutableArray<CalendarDay> Days)
{
    /// <summary>
    /// The grid of <paramref name="mode"/> around <paramref name="anchor"/>: every window of the approved and pending
    /// bookings <paramref name="viewer"/> may see (<see cref="Visible"/>) that overlaps one of its days.
    /// </summary>
    public static ReservationCalendar Of(
        IEnumerable<AdvanceReservation> reservations, ICurrentUser viewer, CalendarMode mode, DateOnly anchor, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        ArgumentNullException.ThrowIfNull(viewer);
        ArgumentNullException.ThrowIfNull(zone);
        var shown = reservations.Where(r => r.State != ReservationState.Cancelled && Visible(r, viewer)).OrderBy(r => r.Id).ToList();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var (first, count) = mode == CalendarMode.Week ? (MondayOf(anchor), 7) : MonthGrid(anchor);
        var days = ImmutableArray.CreateBuilder<CalendarDay>(count);
        for (var i = 0; i < count; i++)
        {
            var date = first.AddDays(i);
            var from = StartOfDay(date, zone);
            var until = StartOfDay(date.AddDays(1), zone);
            var blocks = shown
                .SelectMany(r => r.Windows(from, until).Select(w => CalendarBlock.Of(r, w, from, until, zone)))
                .OrderBy(b => b.Start).ThenBy(b => b.Reservation)
                .ToImmutableArray();
            days.Add(new CalendarDay(date, mode == CalendarMode.Week || date.Month == anchor.Month, date == today, from, until, blocks));
        }

        var title = mode == CalendarMode.Week
            ? $"Week of {first.ToString("d MMM yyyy", CultureInfo.InvariantCulture)}"
            : anchor.ToString("MMMM yyyy", CultureInfo.InvariantCulture);
        var step = mode == CalendarMode.Week ? (Func<DateOnly, int, DateOnly>)((d, n) => d.AddDays(7 * n)) : (d, n) => d.AddMonths(n);
        return new(mode, anchor, title, step(anchor, -1), step(anchor, 1), days.MoveToImmutable());
    }

    /// <summary>Who sees a booking on the calendar: admins every booking; everyone else their own teams' bookings.</summary>
    public static bool Visible(AdvanceReservation reservation, ICurrentUser viewer)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        ArgumentNullException.ThrowIfNull(viewer);
        return viewer.IsAdmin() || viewer.Teams.Contains(reservation.Team, StringComparer.Ordinal);
    }

    /// <summary>The instant <paramref name="date"/> begins in <paramref name="zone"/> (the first valid wall time when midnight is skipped).</summary>
    public static DateTimeOffset StartOfDay(DateOnly date, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }

    private static DateOnly MondayOf(DateOnly date) => date.AddDays(-(((int)date.DayOfWeek + 6) % 7));

    private static (DateOnly First, int Count) MonthGrid(DateOnly anchor)
    {
        var first = MondayOf(new DateOnly(anchor.Year, anchor.Month, 1));
        var last = new DateOnly(anchor.Year, anchor.Month, DateTime.DaysInMonth(anchor.Year, anchor.Month));
        var weeks = (last.DayNumber - first.DayNumber) / 7 + 1;
        return (first, weeks * 7);
    }
}

/// <summary>One calendar day: its date, whether it belongs to the month shown, whether it is today, the instants it runs between, and its blocks.</summary>
public sealed record CalendarDay(DateOnly Date, bool InMonth, bool IsToday, DateTimeOffset From, DateTimeOffset Until, ImmutableArray<CalendarBlock> Blocks)
{
    public string Label => Date.ToString("ddd d MMM", CultureInfo.InvariantCulture);

    /// <summary>The day's length in hours: 24, or 23 and 25 on the days the clocks change.</summary>
    public double Hours => (Until - From).TotalHours;
}

/// <summary>
/// One window of a booking within one day: where it sits (<see cref="Top"/> and <see cref="Height"/>, percent of the
/// day) and what it says (name, team, GPUs × model, state, and its local times, "→" when it runs on from or into
/// another day).
/// </summary>
public sealed record CalendarBlock(
    long Reservation,
    string Name,
    string Team,
    int Gpus,
    string GpuModel,
    ReservationState State,
    DateTimeOffset Start,
    DateTimeOffset End,
    double Top,
    double Height,
    string Times)
{
    public string StateText => State == ReservationState.Pending ? "pending approval" : "approved";

    public string Size => string.Create(CultureInfo.InvariantCulture, $"{Gpus} × {GpuModel}");

    public string Description => $"{Name}: team {Team}, {Size}, {Times}, {StateText}";

    internal static CalendarBlock Of(AdvanceReservation reservation, ReservationWindow window, DateTimeOffset dayFrom, DateTimeOffset dayUntil, TimeZoneInfo zone)
    {
        var from = window.Start > dayFrom ? window.Start : dayFrom;
        var until = window.End < dayUntil ? window.End : dayUntil;
        var length = (dayUntil - dayFrom).TotalMinutes;
        var top = (from - dayFrom).TotalMinutes / length * 100.0;
        var height = (until - from).TotalMinutes / length * 100.0;
        var times = (window.Start < dayFrom ? "→" : Clock(window.Start, zone)) + "–" + (window.End > dayUntil ? "→" : Clock(window.End, zone));
        return new(reservation.Id, reservation.Name, reservation.Team, reservation.Gpus, reservation.GpuModel, reservation.State,
            window.Start, window.End, Math.Round(top, 3), Math.Round(height, 3), times);
    }

    private static string Clock(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("HH:mm", CultureInfo.InvariantCulture);
}
