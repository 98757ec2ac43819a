using Dashboard.Data.Audit;
using Dashboard.Data.Reservations;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Engine.Tests.Loop;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Reservations;

/// <summary>
/// Advance reservations through the engine (fake clock, real SQLite): a lead books 8 GPUs for tomorrow 09:00-17:00,
/// an outside job backfills before it, a member's job runs inside it at 09:00; bookings are checked, stored, audited
/// and survive a restart.
/// </summary>
public sealed class ReservationEngineTests
{
    private static readonly DateTimeOffset Tomorrow9 = Start.Date.AddDays(1).AddHours(9);

    private static AdvanceReservation Booking(int gpus = 8) =>
        new(0, "demo day", "live demo", "vision", "A100-80GB", gpus, 8_000, 8 * 1024, Tomorrow9, Tomorrow9.AddHours(8));

    [Fact]
    public async Task A_members_job_runs_inside_the_booking_at_its_start_while_outside_jobs_backfill_before_it()
    {
        await using var engine = await StartAsync([SimulatedNode("gpu-01", gpus: 8)], [Quota("vision"), Quota("nlp")]);

        var booked = await engine.Engine.BookReservationAsync(Booking(), BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience);
        booked.Succeeded.Should().BeTrue(booked.Reason);
        booked.Reason.Should().Be("reservation 1 booked");
        var member = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromHours(2)) with { Reservation = 1 });
        var backfilled = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(3), team: "nlp", owner: "bob"));
        var tooLong = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromDays(2), team: "nlp", owner: "bob"));

        await engine.WaitForStateAsync(backfilled, JobState.Running);
        engine.Jobs.Find(member)!.State.Should().Be(JobState.Pending);
        engine.Jobs.Find(tooLong)!.State.Should().Be(JobState.Pending, "it would still run when the booking starts");

        await engine.RoundTripAsync();
        engine.Clock.Advance(Tomorrow9 - engine.Clock.GetUtcNow());
        var running = await engine.WaitForStateAsync(member, JobState.Running);

        running.Snapshot.Running.Single(r => r.Job.Id == member).Allocation.Node.Should().Be("gpu-01");
        engine.Jobs.Find(tooLong)!.State.Should().Be(JobState.Pending, "the booking's GPUs are its own during the window");
        var audit = new AuditStore(engine.Database).ForTarget("reservation:1").Single().Entry;
        audit.Actor.Should().Be("lead");
        audit.Action.Should().Be("reservation.book");
    }

    [Fact]
    public async Task A_refused_booking_changes_nothing_and_says_why()
    {
        await using var engine = await StartAsync([SimulatedNode("gpu-01", gpus: 8)]);

        var result = await engine.Engine.BookReservationAsync(Booking(gpus: 12), BookingLimits.Default, byAdmin: false, "lead").WaitAsync(Patience);

        result.Outcome.Should().Be(CommandOutcome.Invalid);
        result.Errors.Select(e => e.Message).Should().Contain("The cluster has 8 A100-80GB GPUs in service; a booking of 12 can never be honoured.");
        new ReservationStore(engine.Database).Find(1).Should().BeNull();
    }

    [Fact]
    public async Task A_booking_that_needs_approval_waits_until_an_admin_approves_it_and_a_cancelled_one_refuses_new_jobs()
    {
        await using var engine = await StartAsync([SimulatedNode("gpu-01", gpus: 8)]);

        var booked = await engine.Engine.BookReservationAsync(Booking(), BookingLimits.Default with { RequireApproval = true }, byAdmin: false, "lead").WaitAsync(Patience);
        booked.Reason.Should().Be("reservation 1 waits for an admin's approval");
        new ReservationStore(engine.Database).Find(1)!.State.Should().Be(ReservationState.Pending);

        (await engine.Engine.ApproveReservationAsync(1, "root").WaitAsync(Patience)).Reason.Should().Be("reservation 1 approved");
        new ReservationStore(engine.Database).Find(1)!.State.Should().Be(ReservationState.Approved);

        (await engine.Engine.CancelReservationAsync(1, "vision", "lead").WaitAsync(Patience)).Succeeded.Should().BeTrue();
        var refused = await engine.Engine.SubmitAsync(Spec() with { Reservation = 1 }, "alice").WaitAsync(Patience);
        refused.Outcome.Should().Be(CommandOutcome.Invalid);
        refused.Errors.Single().Should().Be(new FieldError("reservation", "Reservation 1 does not exist or was cancelled."));
        new AuditStore(engine.Database).ForTarget("reservation:1").Select(a => a.Entry.Action).Should().BeEquivalentTo(["reservation.book", "reservation.approve", "reservation.cancel"]);
    }

    [Fact]
    public async Task Bookings_survive_a_restart_and_ids_are_not_reused()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-engine-").FullName;
        try
        {
            await using (var first = await StartAsync([SimulatedNode("gpu-01", gpus: 8)], folder: folder))
            {
                (await first.Engine.BookReservationAsync(Booking(gpus: 4), BookingLimits.Default, false, "lead").WaitAsync(Patience)).Succeeded.Should().BeTrue();
            }

            await using var second = await StartAsync([SimulatedNode("gpu-01", gpus: 8)], folder: folder);
            var again = await second.Engine.BookReservationAsync(Booking(gpus: 4), BookingLimits.Default, false, "lead").WaitAsync(Patience);
            var third = await second.Engine.BookReservationAsync(Booking(gpus: 4), BookingLimits.Default, false, "lead").WaitAsync(Patience);

            again.Reason.Should().Be("reservation 2 booked");
            third.Errors.Single().Message.Should().Contain("it conflicts with reservation 1 \"demo day\"");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
