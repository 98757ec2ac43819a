using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// The scheduler's hook for advance reservations: every honoured reservation in the snapshot (see
/// <see cref="ReservedPlanning"/> for which are) holds its pinned GPUs on each node from its window's start, less what
/// its own running jobs already hold there. Nothing is held when the snapshot has no reservations.
/// </summary>
internal static class AdvanceHolds
{
    public static void Place(ClusterSnapshot snapshot, DateTimeOffset now, NodeCapacity capacity, ReservationBook book)
    {
        if (snapshot.Reservations.IsEmpty)
        {
            return;
        }

        var honoured = snapshot.Reservations.Where(r => r.IsHonoured).ToDictionary(r => r.Id);
        var layout = ReservationPins.Lay(snapshot.Nodes, honoured.Values, now);
        foreach (var pin in layout.Pins)
        {
            var reservation = honoured[pin.Reservation];
            var window = reservation.WindowAt(now)!.Value;
            var node = capacity.IndexOf(pin.Node);
            if (node < 0)
            {
                continue;
            }

            var amount = pin.Amount;
            if (window.Contains(now))
            {
                amount -= HeldByMembers(snapshot, reservation, pin.Node);
            }

            if (amount.Gpus <= 0)
            {
                continue;
            }

            amount = new ResourceAmount(amount.Gpus, Math.Max(0, amount.CpuMillicores), Math.Max(0, amount.MemoryMiB));
            book.Hold(node, new BackfillReservation(HoldId(reservation.Id), pin.Node, window.Start, amount, reservation.GpuModel, reservation.Team));
        }
    }

    /// <summary>The job id a reservation's holds carry in the backfill's books: its id, negated.</summary>
    public static JobId HoldId(long reservation) => new(-reservation);

    /// <summary>What the reservation's own running jobs hold on <paramref name="node"/> (GPUs of its model).</summary>
    public static ResourceAmount HeldByMembers(ClusterSnapshot snapshot, AdvanceReservation reservation, string node)
    {
        var model = snapshot.Nodes.FirstOrDefault(n => n.Name == node)?.Gpus.Where(g => GpuModels.Match(g.Model, reservation.GpuModel)).Select(g => g.Index).ToHashSet() ?? [];
        var held = ResourceAmount.Zero;
        foreach (var running in snapshot.Running)
        {
            if (running.Job.Spec.Reservation == reservation.Id && running.Allocation.Node == node)
            {
                held += new ResourceAmount(running.Allocation.GpuIndices.Count(model.Contains), running.Allocation.CpuMillicores, running.Allocation.MemoryMiB);
            }
        }

        return held;
    }
}
