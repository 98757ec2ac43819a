using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Reservations;

/// <summary>Advance reservations and jobs submitted into them, in the few words tests use.</summary>
internal static class Bookings
{
    public static AdvanceReservation Reservation(
        long id,
        string team = "a",
        int gpus = 8,
        double fromHours = 2,
        double toHours = 6,
        string model = ClusterBuilder.DefaultModel,
        string? recurrence = null,
        ReservationState state = ReservationState.Approved,
        string name = "paper deadline") =>
        new(id, name, "camera-ready experiments", team, model, gpus, ClusterBuilder.Cpu(gpus), gpus * 8L * Units.MiBPerGiB,
            Time.InHours(fromHours), Time.InHours(toHours), recurrence, state, "lead");

    public static ClusterSnapshot With(this ClusterSnapshot snapshot, params AdvanceReservation[] reservations) =>
        snapshot with { Reservations = [.. snapshot.Reservations, .. reservations] };

    /// <summary>Job <paramref name="id"/> of <paramref name="team"/> submitted into <paramref name="reservation"/>.</summary>
    public static Job Member(long id, long reservation, string team = "a", int gpus = 1, TimeSpan? walltime = null, DateTimeOffset? submittedAt = null)
    {
        var job = Jobs.Job(id, team, gpus, walltime: walltime, submittedAt: submittedAt);
        return job with { Spec = job.Spec with { Reservation = reservation } };
    }
}
