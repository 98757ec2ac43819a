using Dashboard.Data.Audit;
using Dashboard.Data.Reservations;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Reservations;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Reservations;

/// <summary>
/// Editing a booking through the engine (fake clock, real SQLite): checked exactly like booking (a conflict names the
/// booking in the way, a never-honourable size is refused, another team's booking is not changed), stored and audited
/// with the booking before and after; the answer carries the booking's id.
/// </summary>
public sealed class ReservationEditTests
{
    private static readonly DateTimeOffset Tomorrow9 = Start.Date.AddDays(1).AddHours(9);

    private static AdvanceReservation Booking(int gpus, DateTimeOffset start, string name = "demo day") =>
        new(0, name, "live demo", "vision", "A100-80GB", gpus, 8_000, 8 * 1024, start, start.AddHours(8));

    [Fact]
    public async Task An_edit_is_checked_like_a_booking_stored_and_audited_before_and_after()
    {
        await using var engine = await StartAsync([SimulatedNode("gpu-01", gpus: 8)], [Quota("vision")]);
        var first = await engine.Engine.BookReservationAsync(Booking(4, Tomorrow9), BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience);
        var second = await engine.Engine.BookReservationAsync(Booking(4, Tomorrow9.AddDays(1), "rehearsal"), BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience);
        first.Reservation.Should().Be(1, "the answer carries the new booking's id");
        second.Reservation.Should().Be(2);
        var stored = new ReservationStore(engine.Database);

        var conflict = await engine.Engine.EditReservationAsync(stored.Find(2)! with { Start = Tomorrow9, End = Tomorrow9.AddHours(8), Gpus = 6 }, BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience);
        var never = await engine.Engine.EditReservationAsync(stored.Find(2)! with { Gpus = 12 }, BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience);
        var otherTeam = await engine.Engine.EditReservationAsync(stored.Find(2)! with { Team = "nlp", Gpus = 2 }, BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience);

        conflict.Outcome.Should().Be(CommandOutcome.Invalid);
        conflict.Errors.Select(e => e.Message).Should().Contain(m => m.Contains("reservation 1 \"demo day\"", StringComparison.Ordinal), "a conflict names the booking in the way");
        never.Outcome.Should().Be(CommandOutcome.Invalid);
        never.Errors.Select(e => e.Message).Should().Contain("The cluster has 8 A100-80GB GPUs in service; a booking of 12 can never be honoured.");
        otherTeam.Outcome.Should().Be(CommandOutcome.Forbidden);
        stored.Find(2)!.Should().BeEquivalentTo(new { Gpus = 4, Start = Tomorrow9.AddDays(1), Name = "rehearsal", Team = "vision" }, "a refused edit changes nothing");

        var edited = await engine.Engine.EditReservationAsync(stored.Find(2)! with { Gpus = 2, Name = "dress rehearsal", End = Tomorrow9.AddDays(1).AddHours(10) }, BookingLimits.Default, byAdmin: false, "lead2").WaitAsync(Patience);

        edited.Succeeded.Should().BeTrue(edited.Reason);
        edited.Reason.Should().Be("reservation 2 changed");
        edited.Reservation.Should().Be(2);
        stored.Find(2)!.Should().BeEquivalentTo(new { Gpus = 2, Name = "dress rehearsal", End = Tomorrow9.AddDays(1).AddHours(10), BookedBy = "lead", State = ReservationState.Approved });
        var audit = new AuditStore(engine.Database).ForTarget("reservation:2").Select(a => a.Entry).Single(e => e.Action == "reservation.edit");
        audit.Actor.Should().Be("lead2");
        audit.BeforeJson.Should().Contain("rehearsal").And.NotContain("dress rehearsal");
        audit.AfterJson.Should().Contain("dress rehearsal");
    }
}
