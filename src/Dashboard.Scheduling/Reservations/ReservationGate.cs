using System.Collections.Immutable;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// What <see cref="ReservationGate.Split"/> decided: the snapshot the pass plans on (jobs submitted into a reservation
/// only while its window is open; only the reservations that hold GPUs now), the jobs kept waiting for their window
/// (or for an approval), and the jobs refused (their reservation was cancelled, has ended, or is another team's).
/// </summary>
public sealed record ReservationSplit(ClusterSnapshot Eligible, ImmutableArray<IneligibleJob> Waiting, ImmutableArray<JobRefusal> Refused);

/// <summary>
/// Before a pass with advance reservations: a job submitted into a reservation waits until a window of it opens; the
/// reservations the pass holds GPUs for are the approved ones, except, when lending is on
/// (<see cref="SchedulerSettings.LendReservedGpus"/>), those no job waits for (their GPUs are lent meanwhile).
/// </summary>
public static class ReservationGate
{
    public static ReservationSplit Split(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var byId = snapshot.Reservations.ToDictionary(r => r.Id);
        var waiting = ImmutableArray.CreateBuilder<IneligibleJob>();
        var refused = ImmutableArray.CreateBuilder<JobRefusal>();
        var removed = new List<Job>();
        var waitedFor = new HashSet<long>();
        foreach (var job in snapshot.Pending.AllJobs)
        {
            if (job.Spec.Reservation is not { } id)
            {
                continue;
            }

            waitedFor.Add(id);
            if (!byId.TryGetValue(id, out var reservation))
            {
                Refuse(job, $"reservation {id} does not exist");
                continue;
            }

            var window = reservation.WindowAt(now);
            if (reservation.State == ReservationState.Cancelled)
            {
                Refuse(job, $"{reservation.Describe()} was cancelled");
            }
            else if (!string.Equals(reservation.Team, job.Team, StringComparison.Ordinal))
            {
                Refuse(job, $"{reservation.Describe()} is team {reservation.Team}'s; this job is team {job.Team}'s");
            }
            else if (window is null)
            {
                Refuse(job, $"{reservation.Describe()} ended at {reservation.End.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
            }
            else if (reservation.State == ReservationState.Pending)
            {
                Keep(job, $"waits for {reservation.Describe()} to be approved by an admin");
            }
            else if (!window.Value.Contains(now))
            {
                Keep(job, $"waits for {reservation.Describe()}, whose window opens at {window.Value.Start.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
            }
        }

        var held = snapshot.Reservations
            .Where(r => r.IsHonoured && (!snapshot.Settings.LendReservedGpus || waitedFor.Contains(r.Id)))
            .ToImmutableArray();
        var pending = removed.Count == 0 ? snapshot.Pending : snapshot.Pending.RemoveAll(removed, out _);
        return new ReservationSplit(snapshot with { Pending = pending, Reservations = held }, waiting.ToImmutable(), refused.ToImmutable());

        void Refuse(Job job, string reason)
        {
            refused.Add(new JobRefusal(job.Id, reason));
            removed.Add(job);
        }

        void Keep(Job job, string reason)
        {
            waiting.Add(new IneligibleJob(job, reason));
            removed.Add(job);
        }
    }
}
