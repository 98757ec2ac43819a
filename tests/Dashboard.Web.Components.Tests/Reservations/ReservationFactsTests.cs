using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Reservations;

namespace Dashboard.Web.Components.Tests.Reservations;

/// <summary>A booking's line on the calendar: its recurrence (a cron rule in UTC) read out in the calendar's zone, the zone named.</summary>
public sealed class ReservationFactsTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static AdvanceReservation Booking(DateTimeOffset start, DateTimeOffset end, string? recurrence) =>
        new(4, "standup demo", "a reason", "vision", "H100", 8, 8_000, 8_192, start, end, recurrence, ReservationState.Approved, "lead");

    private static DateTimeOffset Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_daily_rule_in_utc_says_when_its_next_windows_open_on_the_calendars_clock()
    {
        var booking = Booking(Utc(11, 29, 9), Utc(11, 29, 17), "0 9 * * *");

        ReservationFacts.Describe(booking, Berlin).Should().Be(
            "Reservation 4: team vision, 8 × H100, 8 CPUs, 8 GiB, Sun 29 Nov 10:00–18:00 (Europe/Berlin), " +
            "repeats at '0 9 * * *' (a cron rule in UTC; then opens Mon 30 Nov 10:00, Tue 1 Dec 10:00, … Europe/Berlin time), approved, booked by lead");
        ReservationFacts.Repeats(booking, TimeZoneInfo.Utc).Should().Be("repeats at '0 9 * * *' (a cron rule in UTC; then opens Mon 30 Nov 09:00, Tue 1 Dec 09:00, … UTC time)");
    }

    [Fact]
    public void Across_the_end_of_summer_time_the_same_utc_rule_opens_an_hour_earlier_on_the_wall_clock()
    {
        // Berlin leaves summer time on Sunday 25 October 2026 at 01:00 UTC: 09:00 UTC is 11:00 before and 10:00 after.
        var booking = Booking(Utc(10, 23, 9), Utc(10, 23, 12), "0 9 * * *");

        ReservationFacts.Repeats(booking, Berlin).Should().Be("repeats at '0 9 * * *' (a cron rule in UTC; then opens Sat 24 Oct 11:00, Sun 25 Oct 10:00, … Europe/Berlin time)");
    }

    [Fact]
    public void A_booking_that_does_not_repeat_says_nothing_of_repeating()
    {
        var booking = Booking(Utc(11, 29, 9), Utc(11, 29, 17), null);

        ReservationFacts.Repeats(booking, Berlin).Should().BeNull();
        ReservationFacts.Describe(booking, Berlin).Should().NotContain("repeats");
    }
}
