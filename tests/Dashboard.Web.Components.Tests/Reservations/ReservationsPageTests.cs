using System.Collections.Concurrent;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Dashboard.Web.Reservations;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Reservations;

/// <summary>
/// The /reservations page: the week and month grids from the feed, booking, editing, cancelling and approving through
/// the door (a recording desk stands in for it), refusals shown with the door's reasons, and each role's rights.
/// </summary>
public sealed class ReservationsPageTests : ComponentTest
{
    private static readonly DateTimeOffset Tomorrow9 = new(TestCluster.Now.UtcDateTime.Date.AddDays(1).AddHours(9), TimeSpan.Zero);

    private readonly RecordingDesk desk;

    public ReservationsPageTests()
        : base(services => services.AddSingleton<TimeProvider>(new FakeTimeProvider(TestCluster.Now)).AddSingleton<IReservationDesk, RecordingDesk>())
    {
        desk = (RecordingDesk)Services.GetRequiredService<IReservationDesk>();
    }

    private static AdvanceReservation Booking(long id, string team = "vision", ReservationState state = ReservationState.Approved) =>
        new(id, $"demo {id}", "live demo", team, "A100-80GB", 8, 8_000, 8_192, Tomorrow9, Tomorrow9.AddHours(8), null, state, "lead");

    private void Publish(params AdvanceReservation[] bookings)
    {
        var update = new TestCluster().Team("vision").Team("nlp").Node("gpu-01", gpus: 8).Update();
        Feed.Publish(update with { Snapshot = update.Snapshot with { Reservations = [.. bookings] } });
    }

    [Fact]
    public async Task A_member_sees_the_week_with_their_teams_bookings_as_blocks_and_may_not_book_or_change_them()
    {
        Publish(Booking(1), Booking(2, team: "nlp"), Booking(3, state: ReservationState.Pending));

        var page = Render<ReservationsPage>();

        page.FindAll("h1").Should().ContainSingle().Which.TextContent.Should().Be("Reservations");
        page.Find("#calendar-grid").GetAttribute("data-mode").Should().Be("week");
        page.FindAll(".calendar-day").Select(d => d.GetAttribute("data-date")).Should().Equal(
            "2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28", "2026-11-29");
        var blocks = page.FindAll(".calendar-day[data-date='2026-11-29'] .calendar-block");
        blocks.Select(b => b.GetAttribute("data-reservation")).Should().Equal("1", "3");
        blocks[0].GetAttribute("aria-label").Should().Be("demo 1: team vision, 8 × A100-80GB, 09:00–17:00, approved");
        blocks[1].ClassList.Should().Contain("pending");
        blocks[1].TextContent.Should().Contain("pending approval");
        page.FindAll("#reservation-new").Should().BeEmpty("members do not book");

        // Found and clicked in one step on the renderer's thread: the page redraws when the feed's update reaches it,
        // which may replace the elements found above (and one found a moment earlier).
        await Click(page, ".calendar-day[data-date='2026-11-29'] .calendar-block[data-reservation='1']");

        page.WaitForAssertion(() => page.Find("#reservation-details").TextContent.Should().Contain("Reservation 1: team vision, 8 × A100-80GB").And.Contain("booked by lead"));
        page.FindAll("#reservation-edit, #reservation-cancel, #reservation-approve").Should().BeEmpty();
    }

    [Fact]
    public async Task A_lead_books_through_the_door_and_a_refusal_shows_the_doors_reasons()
    {
        SignInAs(new SignedInUser("lead", UserRole.TeamLead, ["vision"]));
        Publish();
        var page = Render<ReservationsPage>();

        await Click(page, "#reservation-new");
        page.Find("#reservation-from").GetAttribute("value").Should().Be("2026-11-29T09:00", "a new booking starts as tomorrow 09:00-17:00");
        page.Find("#reservation-team").GetAttribute("value").Should().Be("vision");
        await page.InvokeAsync(() => page.Find("#reservation-gpus").Input("8"));
        await page.InvokeAsync(() => page.Find("#reservation-name").Input("demo day"));
        await page.InvokeAsync(() => page.Find("#reservation-reason").Input("live demo"));
        desk.Answer = CommandResult.Invalid([new FieldError("start", "Not enough A100-80GB GPUs are free of other reservations during this window: it conflicts with reservation 1 \"x\".")]);

        await Click(page, "#reservation-save");

        var (command, actor) = desk.Sent.Single();
        actor.Should().Be("lead");
        var book = command.Should().BeOfType<BookReservation>().Subject;
        book.ByAdmin.Should().BeFalse();
        book.Proposed.Should().BeEquivalentTo(new { Team = "vision", GpuModel = "A100-80GB", Gpus = 8, Name = "demo day", Reason = "live demo", Start = Tomorrow9, End = Tomorrow9.AddHours(8) });
        page.Find("#reservation-notice").TextContent.Should().Contain("it conflicts with reservation 1");
        page.Find("#reservation-form").TextContent.Should().Contain("it conflicts with reservation 1", "the reason stands under its field too");

        desk.Answer = CommandResult.Done("reservation 4 booked") with { Reservation = 4 };
        await Click(page, "#reservation-save");

        page.Find("#reservation-notice").TextContent.Should().Contain("reservation 4 booked");
        page.FindAll("#reservation-form").Should().BeEmpty("the form closes once booked");
    }

    [Fact]
    public async Task A_lead_edits_and_cancels_a_booking_from_its_block()
    {
        SignInAs(new SignedInUser("lead", UserRole.TeamLead, ["vision"]));
        Publish(Booking(1));
        var page = Render<ReservationsPage>();

        await Click(page, ".calendar-block[data-reservation='1']");
        await Click(page, "#reservation-edit");
        page.Find("#reservation-form").GetAttribute("data-editing").Should().Be("1");
        page.Find("#reservation-team").HasAttribute("disabled").Should().BeTrue("an edit keeps the team");
        await page.InvokeAsync(() => page.Find("#reservation-gpus").Input("4"));
        await page.InvokeAsync(() => page.Find("#reservation-to").Input("2026-11-29T18:00"));
        desk.Answer = CommandResult.Done("reservation 1 changed") with { Reservation = 1 };
        await Click(page, "#reservation-save");

        var edit = desk.Sent.Single().Command.Should().BeOfType<EditReservation>().Subject;
        edit.Edited.Should().Be(Booking(1) with { Gpus = 4, End = Tomorrow9.AddHours(9) });
        page.Find("#reservation-notice").TextContent.Should().Contain("reservation 1 changed");

        desk.Answer = CommandResult.Done("reservation 1 cancelled");
        await Click(page, "#reservation-cancel");

        desk.Sent.Last().Command.Should().Be(new CancelReservation(1, "vision"));
    }

    [Fact]
    public async Task An_admin_sees_every_teams_bookings_and_approves_a_pending_one()
    {
        SignInAs(new SignedInUser("root", UserRole.Admin, []));
        Publish(Booking(1), Booking(2, team: "nlp", state: ReservationState.Pending));
        var page = Render<ReservationsPage>();

        page.FindAll(".calendar-block").Select(b => b.GetAttribute("data-reservation")).Should().Equal("1", "2");
        page.FindAll("#reservation-new").Should().ContainSingle();

        await Click(page, ".calendar-block[data-reservation='2']");
        desk.Answer = CommandResult.Done("reservation 2 approved");
        await Click(page, "#reservation-approve");

        desk.Sent.Single().Command.Should().Be(new ApproveReservation(2));
        page.Find("#reservation-notice").TextContent.Should().Contain("reservation 2 approved");
    }

    [Fact]
    public void The_month_view_and_date_come_from_the_address_and_a_new_booking_appears_live()
    {
        Publish();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("reservations?view=month&date=2026-12-10");
        var page = Render<ReservationsPage>();

        page.Find("#calendar-grid").GetAttribute("data-mode").Should().Be("month");
        page.Find("#calendar-title").TextContent.Should().Be("December 2026 (UTC)");
        page.Find("#calendar-previous").GetAttribute("href").Should().Be("reservations?view=month&date=2026-11-10");
        page.Find("#calendar-nav a[aria-current='page']").GetAttribute("data-mode").Should().Be("Month");

        Publish(Booking(5) with { Start = new DateTimeOffset(2026, 12, 10, 9, 0, 0, TimeSpan.Zero), End = new DateTimeOffset(2026, 12, 10, 17, 0, 0, TimeSpan.Zero) });

        page.WaitForAssertion(() => page.Find(".calendar-day[data-date='2026-12-10'] .calendar-block").GetAttribute("data-reservation").Should().Be("5"), Patience);
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("0001-01-01")]
    [InlineData("tomorrow")]
    public void A_date_in_the_address_that_is_not_a_date_or_out_of_range_shows_this_week(string date)
    {
        Publish();
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo($"reservations?view=week&date={date}");

        var page = Render<ReservationsPage>();

        page.Find("#calendar-title").TextContent.Should().Be("Week of 23 Nov 2026 (UTC)");
    }

    /// <summary>Records what the page sends through the door and answers with <see cref="Answer"/>.</summary>
    private sealed class RecordingDesk : IReservationDesk
    {
        public ConcurrentQueue<(ClusterCommand Command, string Actor)> Sent { get; } = new();

        public CommandResult Answer { get; set; } = CommandResult.Done("done");

        public BookingLimits Limits => BookingLimits.Default;

        public TimeZoneInfo Zone => TimeZoneInfo.Utc;

        public Task<CommandResult> SendAsync(ClusterCommand command, ICurrentUser user)
        {
            Sent.Enqueue((command, user.Name));
            return Task.FromResult(Answer);
        }
    }
}
