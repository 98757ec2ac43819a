using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Tests.Jobs;

/// <summary>The Submit form's reservation: how its text reads into the spec, and which bookings the form offers.</summary>
public sealed class ReservationFieldTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 12, 0, 0, TimeSpan.Zero);

    private static SubmitForm Form(string reservation) => new()
    {
        Name = "train",
        Command = "python train.py",
        Team = "vision",
        Reservation = reservation,
    };

    private static AdvanceReservation Booking(long id, string team = "vision", ReservationState state = ReservationState.Approved, int startHours = 21, int hours = 8, string? recurrence = null) =>
        new(id, "demo " + id, "why", team, "H100", 8, 2000, 8192, Now.AddHours(startHours), Now.AddHours(startHours + hours), recurrence, state, "lead");

    [Fact]
    public void An_empty_reservation_is_none_and_a_number_is_the_reservation()
    {
        SubmitFormMapping.Read(Form(""), "alice").Spec!.Reservation.Should().BeNull();
        SubmitFormMapping.Read(Form(" 7 "), "alice").Spec!.Reservation.Should().Be(7);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0")]
    [InlineData("-2")]
    [InlineData("1.5")]
    public void A_reservation_that_is_not_a_positive_whole_number_is_refused_under_its_field(string text)
    {
        var reading = SubmitFormMapping.Read(Form(text), "alice");

        reading.IsValid.Should().BeFalse();
        reading.ErrorOf(SubmitField.Reservation).Should().Be("Reservation must be a reservation's number (e.g. 3), or empty for none.");
    }

    [Fact]
    public void Submitting_again_keeps_the_reservation()
    {
        var spec = SubmitFormMapping.Read(Form("4"), "alice").Spec!;

        SubmitForm.From(spec).Reservation.Should().Be("4");
    }

    [Fact]
    public void The_form_offers_only_the_teams_approved_bookings_that_have_a_window_to_come_by_id()
    {
        AdvanceReservation[] bookings =
        [
            Booking(5),
            Booking(2, startHours: -1, hours: 3),
            Booking(3, team: "nlp"),
            Booking(4, state: ReservationState.Pending),
            Booking(6, state: ReservationState.Cancelled),
            Booking(7, startHours: -10, hours: 2),
        ];

        var choices = ReservationChoices.For(bookings, "vision", Now);

        choices.Select(c => c.Value).Should().Equal("2", "5");
        choices[0].Text.Should().Be("2: demo 2 (8 × H100, open now until 2026-03-02 14:00)");
        choices[1].Text.Should().Be("5: demo 5 (8 × H100, 2026-03-03 09:00-2026-03-03 17:00 UTC)");
    }
}
