using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Reservations;

/// <summary>
/// How many of a reservation's GPUs (and its share of CPU and memory) are kept on one node during its window. The
/// scheduler keeps a count of GPUs of the model per node, not fixed indices: any of the node's GPUs of that model may
/// serve the reservation.
/// </summary>
public sealed record ReservationPin(long Reservation, string Node, int Gpus, long CpuMillicores, long MemoryMiB)
{
    public ResourceAmount Amount => new(Gpus, CpuMillicores, MemoryMiB);
}

/// <summary>Where each reservation's GPUs are kept, and how many GPUs each could not be given (its shortfall).</summary>
public sealed record ReservationLayout(ImmutableArray<ReservationPin> Pins, ImmutableDictionary<long, int> Shortfalls)
{
    public IEnumerable<ReservationPin> Of(long reservation) => Pins.Where(p => p.Reservation == reservation);
}

/// <summary>
/// Lays the honoured reservations out on the nodes: a pure function of the node list, the reservations and the
/// instant (which window of a recurring one counts), so it stays the same from one pass to the next while those do,
/// and backfill decided before a window still holds when it opens. Reservations are laid out in booking order (by id;
/// id 0, a booking being checked, last), so a new booking never moves an earlier one; each takes GPUs of its model
/// node by node in name order, skipping those that reservations with overlapping windows already took.
/// </summary>
public static class ReservationPins
{
    public static ReservationLayout Lay(ImmutableArray<Node> nodes, IEnumerable<AdvanceReservation> reservations, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(reservations);
        var ordered = reservations
            .Select(r => (Reservation: r, Window: r.WindowAt(now)))
            .Where(x => x.Window is not null)
            .OrderBy(x => x.Reservation.Id == 0 ? long.MaxValue : x.Reservation.Id)
            .ToList();
        var usable = nodes.Where(Usable).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var pins = ImmutableArray.CreateBuilder<ReservationPin>();
        var laid = new List<(ReservationWindow Window, ReservationPin Pin, string Model)>();
        var shortfalls = ImmutableDictionary.CreateBuilder<long, int>();
        foreach (var (reservation, window) in ordered)
        {
            var remaining = reservation.Gpus;
            var mine = new List<(string Node, int Gpus)>();
            foreach (var node in usable)
            {
                if (remaining == 0)
                {
                    break;
                }

                var taken = laid.Where(l => l.Pin.Node == node.Name && l.Window.Overlaps(window!.Value) && GpuModels.Match(l.Model, reservation.GpuModel)).Sum(l => l.Pin.Gpus);
                var free = node.CountGpus(reservation.GpuModel) - taken;
                var take = Math.Min(remaining, free);
                if (take > 0)
                {
                    mine.Add((node.Name, take));
                    remaining -= take;
                }
            }

            if (remaining > 0)
            {
                shortfalls[reservation.Id] = remaining;
            }

            var given = reservation.Gpus - remaining;
            var cpuLeft = reservation.CpuMillicores;
            var memoryLeft = reservation.MemoryMiB;
            for (var i = 0; i < mine.Count; i++)
            {
                var (node, gpus) = mine[i];
                var last = i == mine.Count - 1;
                var cpu = last ? cpuLeft : reservation.CpuMillicores * gpus / Math.Max(1, given);
                var memory = last ? memoryLeft : reservation.MemoryMiB * gpus / Math.Max(1, given);
                cpuLeft -= cpu;
                memoryLeft -= memory;
                var pin = new ReservationPin(reservation.Id, node, gpus, cpu, memory);
                pins.Add(pin);
                laid.Add((window!.Value, pin, reservation.GpuModel));
            }
        }

        return new ReservationLayout(pins.ToImmutable(), shortfalls.ToImmutable());
    }

    /// <summary>Nodes a reservation may be kept on: any that is (or is becoming) a machine.</summary>
    private static bool Usable(Node node) => node.State is NodeState.Ready or NodeState.Draining;
}
