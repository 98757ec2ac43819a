using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// During an open window, a job outside the reservation that holds GPUs the reservation needs is preempted: one that
/// ran past its walltime into the window (backfill let it start only because its walltime ended before), one with no
/// walltime, or one that ran on GPUs lent while nobody of the reservation waited. On each node, jobs outside every
/// open reservation kept there may hold at most the node's GPUs of the model less those reservations' GPUs; beyond
/// that, they are preempted: first those past their walltime, then those without one, then the latest started.
/// </summary>
public static class ReservationEvictions
{
    /// <summary>The preemptions that free the held reservations' GPUs in <paramref name="held"/> at <paramref name="now"/>, after <paramref name="plan"/>.</summary>
    public static ImmutableArray<JobPreemption> Find(ClusterSnapshot held, SchedulePlan plan, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(plan);
        var open = held.Reservations.Where(r => r.IsHonoured && r.WindowAt(now) is { } w && w.Contains(now)).ToDictionary(r => r.Id);
        if (open.Count == 0)
        {
            return [];
        }

        var layout = ReservationPins.Lay(held.Nodes, held.Reservations.Where(r => r.IsHonoured), now);
        var alreadyStopped = plan.Preemptions.Select(p => p.Victim).ToHashSet();
        var evictions = ImmutableArray.CreateBuilder<JobPreemption>();
        foreach (var group in layout.Pins.Where(p => open.ContainsKey(p.Reservation)).GroupBy(p => p.Node))
        {
            var node = held.Nodes.First(n => n.Name == group.Key);
            foreach (var byModel in group.GroupBy(p => open[p.Reservation].GpuModel, StringComparer.OrdinalIgnoreCase))
            {
                var model = node.Gpus.Where(g => GpuModels.Match(g.Model, byModel.Key)).Select(g => g.Index).ToHashSet();
                var insiders = byModel.Select(p => p.Reservation).ToHashSet();
                var allowed = model.Count - byModel.Sum(p => p.Gpus);
                var outsiders = held.Running
                    .Where(r => r.Allocation.Node == node.Name && !alreadyStopped.Contains(r.Job.Id)
                        && !(r.Job.Spec.Reservation is { } id && insiders.Contains(id)))
                    .Select(r => (Running: r, Gpus: r.Allocation.GpuIndices.Count(model.Contains)))
                    .Where(x => x.Gpus > 0)
                    .ToList();
                var outsideHeld = outsiders.Sum(x => x.Gpus);
                var reservation = open[byModel.First().Reservation];
                foreach (var (running, gpus) in outsiders.OrderBy(x => Rank(x.Running, now)).ThenByDescending(x => x.Running.Allocation.Start).ThenByDescending(x => x.Running.Job.Id))
                {
                    if (outsideHeld <= allowed)
                    {
                        break;
                    }

                    outsideHeld -= gpus;
                    evictions.Add(new JobPreemption(running.Job.Id, Beneficiary(held, reservation), Why(running, reservation, node.Name, now)));
                }
            }
        }

        return evictions.ToImmutable();
    }

    /// <summary>Past its walltime first, then without one, then the rest.</summary>
    private static int Rank(RunningJob running, DateTimeOffset now) => running.Allocation.ExpectedEnd switch
    {
        { } end when end <= now => 0,
        null => 1,
        _ => 2,
    };

    /// <summary>The reservation's first waiting job; its hold id when none waits (a job overstaying into the window).</summary>
    private static JobId Beneficiary(ClusterSnapshot held, AdvanceReservation reservation) =>
        held.Pending.AllJobs.Where(j => j.Spec.Reservation == reservation.Id).Select(j => (JobId?)j.Id).Min() ?? AdvanceHolds.HoldId(reservation.Id);

    private static string Why(RunningJob running, AdvanceReservation reservation, string node, DateTimeOffset now)
    {
        var window = reservation.WindowAt(now)!.Value;
        var what = running.Allocation.ExpectedEnd switch
        {
            { } end when end <= now => $"its walltime ended at {end.UtcDateTime:yyyy-MM-dd HH:mm} UTC",
            null when running.Allocation.Start < window.Start => "it has no walltime",
            _ => "it ran on reserved GPUs lent while no job of the reservation waited",
        };
        return $"{reservation.Describe()} keeps GPUs on {node} during {window}; job {running.Job.Id} (team {running.Job.Team}) is outside it and {what}";
    }
}
