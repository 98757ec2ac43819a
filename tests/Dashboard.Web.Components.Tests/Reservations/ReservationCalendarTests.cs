using Dashboard.Data.Users;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Identity;
using Dashboard.Web.Reservations;

namespace Dashboard.Web.Components.Tests.Reservations;

/// <summary>
/// The calendar's grid without a page, at fixed times: which days a week and a month show, where each window's block
/// sits in its day (in the configured zone, across daylight-saving changes), and who sees which bookings.
/// </summary>
public sealed class ReservationCalendarTests
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);
    private static readonly SignedInUser Root = new("root", UserRole.Admin, []);
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    // Saturday 28 November 2026, 14:00 UTC.
    private static readonly DateTimeOffset Now = TestCluster.Now;

    private static AdvanceReservation Booking(long id, DateTimeOffset start, DateTimeOffset end, string team = "vision", ReservationState state = ReservationState.Approved, string? recurrence = null) =>
        new(id, $"booking {id}", "a reason", team, "H100", 8, 8_000, 8_192, start, end, recurrence, state, "lead");

    private static DateTimeOffset Utc(int month, int day, int hour) => new(2026, month, day, hour, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_week_runs_monday_to_sunday_and_places_tomorrows_nine_to_five_at_three_eighths_of_its_day_for_a_third()
    {
        var calendar = ReservationCalendar.Of([Booking(1, Utc(11, 29, 9), Utc(11, 29, 17))], Alice, CalendarMode.Week, new DateOnly(2026, 11, 28), Now, TimeZoneInfo.Utc);

        calendar.Days.Select(d => d.Date).Should().Equal(Enumerable.Range(0, 7).Select(i => new DateOnly(2026, 11, 23).AddDays(i)));
        calendar.Title.Should().Be("Week of 23 Nov 2026");
        (calendar.Previous, calendar.Next).Should().Be((new DateOnly(2026, 11, 21), new DateOnly(2026, 12, 5)));
        calendar.Days.Single(d => d.IsToday).Date.Should().Be(new DateOnly(2026, 11, 28));
        var block = calendar.Days.Single(d => d.Date == new DateOnly(2026, 11, 29)).Blocks.Single();
        (block.Top, block.Height).Should().Be((37.5, 33.333));
        block.Times.Should().Be("09:00–17:00");
        block.Description.Should().Be("booking 1: team vision, 8 × H100, 09:00–17:00, approved");
        calendar.Days.Where(d => d.Date != new DateOnly(2026, 11, 29)).Should().OnlyContain(d => d.Blocks.IsEmpty);
    }

    [Fact]
    public void A_window_across_midnight_is_a_block_on_each_day_it_touches_and_a_pending_one_says_so()
    {
        var calendar = ReservationCalendar.Of([Booking(2, Utc(11, 28, 18), Utc(11, 29, 6), state: ReservationState.Pending)], Alice, CalendarMode.Week, new DateOnly(2026, 11, 29), Now, TimeZoneInfo.Utc);

        var saturday = calendar.Days.Single(d => d.Date == new DateOnly(2026, 11, 28)).Blocks.Single();
        var sunday = calendar.Days.Single(d => d.Date == new DateOnly(2026, 11, 29)).Blocks.Single();
        (saturday.Top, saturday.Height, saturday.Times).Should().Be((75.0, 25.0, "18:00–→"));
        (sunday.Top, sunday.Height, sunday.Times).Should().Be((0.0, 25.0, "→–06:00"));
        sunday.StateText.Should().Be("pending approval");
        calendar.Days[0].Date.Should().Be(new DateOnly(2026, 11, 23), "a Sunday's week starts on the Monday before it");
    }

    [Fact]
    public void In_a_zone_with_daylight_saving_the_day_the_clocks_go_back_is_25_hours_and_blocks_keep_their_wall_clock_times()
    {
        // Berlin leaves summer time on Sunday 25 October 2026 at 03:00 (01:00 UTC): that day lasts 25 hours.
        // 09:00-17:00 local is 08:00-16:00 UTC that day; 10 hours in, for 8 of 25 hours.
        var calendar = ReservationCalendar.Of([Booking(3, Utc(10, 25, 8), Utc(10, 25, 16)), Booking(4, Utc(10, 24, 7), Utc(10, 24, 15))],
            Alice, CalendarMode.Week, new DateOnly(2026, 10, 25), Now, Berlin);

        var sunday = calendar.Days.Single(d => d.Date == new DateOnly(2026, 10, 25));
        sunday.Hours.Should().Be(25);
        sunday.From.Should().Be(Utc(10, 24, 22), "midnight in summer time is 22:00 UTC");
        var block = sunday.Blocks.Single();
        block.Times.Should().Be("09:00–17:00");
        (block.Top, block.Height).Should().Be((40.0, 32.0));
        var saturday = calendar.Days.Single(d => d.Date == new DateOnly(2026, 10, 24));
        saturday.Hours.Should().Be(24);
        saturday.Blocks.Single().Times.Should().Be("09:00–17:00");
        (saturday.Blocks.Single().Top, saturday.Blocks.Single().Height).Should().Be((37.5, 33.333));
    }

    [Fact]
    public void The_day_the_clocks_go_forward_is_23_hours()
    {
        // Berlin enters summer time on Sunday 29 March 2026 at 02:00 local (01:00 UTC).
        var calendar = ReservationCalendar.Of([Booking(5, Utc(3, 29, 7), Utc(3, 29, 15))], Alice, CalendarMode.Week, new DateOnly(2026, 3, 29), Now, Berlin);

        var sunday = calendar.Days.Single(d => d.Date == new DateOnly(2026, 3, 29));
        sunday.Hours.Should().Be(23);
        sunday.Blocks.Single().Times.Should().Be("09:00–17:00");
        sunday.Blocks.Single().Top.Should().Be(Math.Round(8.0 / 23 * 100, 3), "09:00 is 8 real hours after midnight that day");
    }

    [Fact]
    public void A_month_shows_whole_weeks_around_it_and_a_recurring_booking_on_each_day_it_recurs()
    {
        var weekdays = Booking(6, Utc(11, 30, 9), Utc(11, 30, 12), recurrence: "0 9 * * 1-5");

        var calendar = ReservationCalendar.Of([weekdays], Alice, CalendarMode.Month, new DateOnly(2026, 12, 10), Now, TimeZoneInfo.Utc);

        calendar.Title.Should().Be("December 2026");
        calendar.Days.First().Date.Should().Be(new DateOnly(2026, 11, 30), "December 2026 starts on a Tuesday; the grid starts on the Monday before");
        calendar.Days.Last().Date.Should().Be(new DateOnly(2027, 1, 3));
        calendar.Days.Should().HaveCount(35);
        calendar.Days.First().InMonth.Should().BeFalse();
        (calendar.Previous, calendar.Next).Should().Be((new DateOnly(2026, 11, 10), new DateOnly(2027, 1, 10)));
        calendar.Days.Where(d => !d.Blocks.IsEmpty).Select(d => d.Date.DayOfWeek).Distinct().Should().BeEquivalentTo(
            [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday]);
        calendar.Days.Count(d => !d.Blocks.IsEmpty).Should().Be(25);
    }

    [Fact]
    public void Members_see_their_teams_bookings_admins_see_all_and_nobody_sees_a_cancelled_one()
    {
        AdvanceReservation[] bookings =
        [
            Booking(7, Utc(11, 29, 9), Utc(11, 29, 17)),
            Booking(8, Utc(11, 29, 9), Utc(11, 29, 17), team: "nlp"),
            Booking(9, Utc(11, 29, 9), Utc(11, 29, 17), state: ReservationState.Cancelled),
        ];

        long[] Shown(SignedInUser who) =>
            [.. ReservationCalendar.Of(bookings, who, CalendarMode.Week, new DateOnly(2026, 11, 29), Now, TimeZoneInfo.Utc).Days.SelectMany(d => d.Blocks).Select(b => b.Reservation)];

        Shown(Alice).Should().Equal(7);
        Shown(Root).Should().Equal(7, 8);
        Shown(new SignedInUser("lead", UserRole.TeamLead, ["nlp"])).Should().Equal(8);
    }

    [Fact]
    public void The_form_reads_wall_clock_times_in_the_zone_and_refuses_a_time_the_clocks_skip()
    {
        var draft = ReservationDraft.NewOn(new DateOnly(2026, 10, 25), "vision", "H100");
        draft.Name = "demo day";
        draft.Reason = "live demo";
        draft.Gpus = "8";

        var (booking, problems) = draft.Read(Berlin);

        problems.Should().BeEmpty();
        (booking!.Start, booking.End).Should().Be((Utc(10, 25, 8), Utc(10, 25, 16)));
        booking.Should().BeEquivalentTo(new { Team = "vision", GpuModel = "H100", Gpus = 8, CpuMillicores = 1_000L, MemoryMiB = 8_192L, Recurrence = (string?)null });

        draft.From = "2026-03-29T02:30";
        draft.Gpus = "eight";
        var (none, refused) = draft.Read(Berlin);

        none.Should().BeNull();
        refused.Should().ContainKey("gpus").WhoseValue.Should().Be("GPUs must be a whole number.");
        refused.Should().ContainKey("start").WhoseValue.Should().Contain("does not exist in Europe/Berlin");
    }

    [Fact]
    public void An_edit_form_starts_from_the_booking_in_the_zone_and_changes_only_window_gpus_name_and_reason()
    {
        var existing = Booking(10, Utc(10, 25, 8), Utc(10, 25, 16), recurrence: "0 9 * * 1");
        var draft = ReservationDraft.Of(existing, Berlin);
        (draft.From, draft.To, draft.Editing).Should().Be(("2026-10-25T09:00", "2026-10-25T17:00", 10L));

        draft.To = "2026-10-25T18:00";
        draft.Gpus = "4";
        draft.Team = "nlp";
        var (edited, _) = draft.Read(Berlin, existing);

        edited.Should().Be(existing with { Gpus = 4, End = Utc(10, 25, 17) }, "the team, model, CPU, memory and recurrence stay");
    }
}
