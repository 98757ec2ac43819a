using Dashboard.Data.Users;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Identity;
using Dashboard.Web.Timeline;

namespace Dashboard.Web.Components.Tests.Timeline;

/// <summary>Approved advance reservations are drawn as blocks on the GPUs the scheduler keeps for them.</summary>
public sealed class TimelineReservationTests
{
    private static readonly SignedInUser Lead = new("lead", UserRole.Member, ["vision"]);

    [Fact]
    public void An_approved_booking_is_a_block_on_the_GPUs_it_keeps_during_its_window_and_a_pending_one_is_not_drawn()
    {
        // Tomorrow 09:00-17:00 is 19 h to 27 h from now (Sat 14:00): in a 48 h window, from 39.58 % for 16.67 %.
        var tomorrow = TestCluster.Now.UtcDateTime.Date.AddDays(1);
        var update = new TestCluster().Team("vision").Node("gpu-01", gpus: 4).Node("gpu-02", gpus: 8).Update();
        var model = update.Snapshot.Nodes[0].Gpus[0].Model;
        AdvanceReservation Booking(long id, ReservationState state) =>
            new(id, "demo day", "live demo", "vision", model, 6, 2000, 8192, tomorrow.AddHours(9), tomorrow.AddHours(17), null, state, "lead");
        update = update with { Snapshot = update.Snapshot with { Reservations = [Booking(1, ReservationState.Approved), Booking(2, ReservationState.Pending)] } };

        var rows = TimelineView.Of(update, TimeSpan.FromHours(48), Lead).Rows;

        var first = rows.Single(r => r.Node == "gpu-01").Bars.Single();
        first.Kind.Should().Be(TimelineBarKind.Reserved);
        (first.FirstLane, first.LaneCount).Should().Be((0, 4), "the layout takes gpu-01's 4 GPUs first, by node name");
        first.Left.Should().BeApproximately(19.0 / 48 * 100, 0.001);
        first.Width.Should().BeApproximately(8.0 / 48 * 100, 0.001);
        first.Label.Should().Be("reserved: demo day");
        first.Description.Should().Be($"reservation 1 \"demo day\" (team vision, 6 {model} GPUs): 4 GPUs kept on gpu-01 from Sun 09:00 UTC until Sun 17:00 UTC");
        var second = rows.Single(r => r.Node == "gpu-02").Bars.Single();
        (second.FirstLane, second.LaneCount).Should().Be((6, 2), "the other 2 on gpu-02's last lanes");
        second.Job.Should().BeNull();
        second.MayOpen.Should().BeFalse();
    }

    [Fact]
    public void A_booking_outside_the_window_is_not_drawn()
    {
        var update = new TestCluster().Team("vision").Node("gpu-01", gpus: 4).Update();
        var model = update.Snapshot.Nodes[0].Gpus[0].Model;
        var later = TestCluster.Now.AddDays(3);
        update = update with { Snapshot = update.Snapshot with { Reservations = [new(1, "later", "why", "vision", model, 2, 1000, 1024, later, later.AddHours(2))] } };

        TimelineView.Of(update, TimeSpan.FromHours(24), Lead).Rows.Single().Bars.Should().BeEmpty();
    }
}
