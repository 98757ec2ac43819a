using Dashboard.Data.Jobs;
using Dashboard.Data.Reservations;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Tests.Reservations;

/// <summary>Advance reservations in SQLite (db/0014): written whole on each change, read back as booked; a job keeps the reservation it was submitted into.</summary>
public sealed class ReservationStoreTests : StoreTest
{
    private AdvanceReservation Booking(long id, double fromHours = 24, double toHours = 32, string? recurrence = null) =>
        new(id, "paper deadline", "camera-ready runs", "vision", "A100", 8, 16_000, 128 * 1024,
            Now.AddHours(fromHours), Now.AddHours(toHours), recurrence, ReservationState.Pending, "lead");

    [Fact]
    public void A_booking_reads_back_as_written_and_each_change_replaces_it()
    {
        var store = new ReservationStore(Database);
        store.NextId().Should().Be(1);

        Writer.Write([new ReservationWritten(Booking(1), Now)]);
        Writer.Write([new ReservationWritten(Booking(1) with { State = ReservationState.Approved, Gpus = 4 }, Now.AddMinutes(1))]);

        store.Find(1).Should().Be(Booking(1) with { State = ReservationState.Approved, Gpus = 4 });
        store.NextId().Should().Be(2);
        store.Find(2).Should().BeNull();
    }

    [Fact]
    public void Current_bookings_are_those_not_yet_ended_and_every_recurring_one()
    {
        Writer.Write([
            new ReservationWritten(Booking(1, fromHours: -10, toHours: -2), Now),
            new ReservationWritten(Booking(2, fromHours: -10, toHours: -2, recurrence: "0 9 * * 1"), Now),
            new ReservationWritten(Booking(3), Now),
        ]);

        new ReservationStore(Database).Current(Now).Select(r => r.Id).Should().Equal(2, 3);
    }

    [Fact]
    public void The_table_refuses_a_window_that_ends_before_it_starts()
    {
        var write = () => Writer.Write([new ReservationWritten(Booking(1, fromHours: 5, toHours: 4), Now)]);

        write.Should().Throw<SqliteException>();
        new ReservationStore(Database).Find(1).Should().BeNull();
    }

    [Fact]
    public void A_job_submitted_into_a_reservation_keeps_it()
    {
        var job = TestCluster.Job(12, Now);
        Writer.Write([new JobSubmitted(job with { Spec = job.Spec with { Reservation = 3 } }), new JobSubmitted(TestCluster.Job(13, Now))]);

        var jobs = new JobStore(Database);
        jobs.Find(new JobId(12))!.Job.Spec.Reservation.Should().Be(3);
        jobs.Find(new JobId(13))!.Job.Spec.Reservation.Should().BeNull();
    }

    [Fact]
    public void Pruning_removes_ended_one_off_bookings_no_job_refers_to_and_keeps_the_rest_and_the_highest_id()
    {
        Writer.Write([
            new ReservationWritten(Booking(1, fromHours: -300, toHours: -290), Now),
            new ReservationWritten(Booking(2, fromHours: -300, toHours: -290) with { State = ReservationState.Cancelled }, Now),
            new ReservationWritten(Booking(3, fromHours: -300, toHours: -290, recurrence: "0 9 * * 1"), Now),
            new ReservationWritten(Booking(4, fromHours: -300, toHours: -290), Now),
            new ReservationWritten(Booking(5, fromHours: -30, toHours: -20), Now),
            new ReservationWritten(Booking(6, fromHours: -300, toHours: -290), Now),
        ]);
        var job = TestCluster.Job(12, Now);
        Writer.Write([new JobSubmitted(job with { Spec = job.Spec with { Reservation = 4 } })]);
        var store = new ReservationStore(Database);

        var removed = store.PruneEnded(Now.AddHours(-24 * 7));

        removed.Should().Be(2);
        Enumerable.Range(1, 6).Where(id => store.Find(id) is not null).Should().Equal(3, 4, 5, 6);
        store.NextId().Should().Be(7, "the highest id stays, so no pruned number is handed out again");
        store.PruneEnded(Now.AddHours(-24 * 7)).Should().Be(0);
    }
}
