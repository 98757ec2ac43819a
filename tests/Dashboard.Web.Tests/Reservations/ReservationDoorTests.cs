using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Dashboard.Web.Reservations;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Reservations;

/// <summary>The door's rules for reservations: a lead books for their own team only, only an admin books as an admin or approves.</summary>
public sealed class ReservationDoorTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static readonly AdvanceReservation Booking =
        new(0, "demo", "demo day", "vision", "A100", 1, 1000, 1024, DateTimeOffset.UnixEpoch.AddYears(60), DateTimeOffset.UnixEpoch.AddYears(60).AddHours(8));

    private static readonly SignedInUser Lead = new("lena", UserRole.TeamLead, ["vision"]);

    [Fact]
    public async Task A_lead_may_act_on_their_own_teams_bookings_but_not_as_an_admin_nor_on_another_teams()
    {
        var door = new ClusterCommands(new ClusterEngine(new EngineInbox(), new ClusterFeed(TimeProvider.System)), factory.Services.GetRequiredService<JobStore>());

        (await door.SendAsync(Lead, new BookReservation(Booking with { Team = "nlp" }, BookingLimits.Default, ByAdmin: false))).Reason
            .Should().Be("only a lead of team nlp or an admin may book its reservations");
        (await door.SendAsync(Lead, new BookReservation(Booking, BookingLimits.Default, ByAdmin: true))).Reason
            .Should().Be("only an admin may book a reservation as an admin");
        (await door.SendAsync(Lead, new ApproveReservation(1))).Outcome.Should().Be(CommandOutcome.Forbidden);
        (await door.SendAsync(Lead, new CancelReservation(1, "nlp"))).Outcome.Should().Be(CommandOutcome.Forbidden);
        new BookReservation(Booking, BookingLimits.Default, ByAdmin: false).RefusalFor(Lead, factory.Services.GetRequiredService<JobStore>()).Should().BeNull();
        new CancelReservation(1, "vision").RefusalFor(Lead, factory.Services.GetRequiredService<JobStore>()).Should().BeNull();
    }
}
