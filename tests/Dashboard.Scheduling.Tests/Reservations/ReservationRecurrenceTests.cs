using Dashboard.Scheduling.Reservations;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Reservations.Bookings;

namespace Dashboard.Scheduling.Tests.Reservations;

public sealed class ReservationRecurrenceTests
{
    [Fact]
    public void A_one_off_reservation_has_one_window_until_it_ends()
    {
        var reservation = Reservation(1, fromHours: 2, toHours: 6);

        reservation.WindowAt(Time.Now).Should().Be(new ReservationWindow(Time.InHours(2), Time.InHours(6)));
        reservation.WindowAt(Time.InHours(3))!.Value.Contains(Time.InHours(3)).Should().BeTrue();
        reservation.WindowAt(Time.InHours(6)).Should().BeNull();
    }

    [Fact]
    public void A_recurring_reservation_opens_again_at_each_occurrence_for_as_long_as_the_first()
    {
        // Time.Now is Monday 09:00 UTC; the first window is 11:00-15:00, then every weekday at 11:00.
        var reservation = Reservation(1, fromHours: 2, toHours: 6, recurrence: "0 11 * * 1-5");

        reservation.WindowAt(Time.InHours(7)).Should().Be(new ReservationWindow(Time.InHours(26), Time.InHours(30)));
        reservation.WindowAt(Time.InHours(27)).Should().Be(new ReservationWindow(Time.InHours(26), Time.InHours(30)));
        reservation.Windows(Time.Now, Time.InHours(24 * 7)).Should().HaveCount(5, "Monday to Friday; the weekend has none");
    }

    [Theory]
    [InlineData("0 9 * * 1", null)]
    [InlineData("not a rule", "The recurrence is not a cron rule")]
    [InlineData("0 9 31 2 *", "The recurrence never occurs.")]
    public void A_recurrence_rule_is_checked(string rule, string? problem)
    {
        var found = ReservationRecurrence.Problem(rule);

        if (problem is null)
        {
            found.Should().BeNull();
        }
        else
        {
            found.Should().StartWith(problem);
        }
    }
}
