using System.Collections.Concurrent;
using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Web.Timeline;

/// <summary>
/// One snapshot's honoured reservations laid out on its nodes at any instant the timeline asks for, exactly as
/// <see cref="ReservationPins.Lay"/> lays them (the timeline's tests compare the two), but built for many instants:
/// the usable nodes are sorted and counted per GPU model once, the pins laid so far are indexed by node, and each
/// instant is laid once and then shared (by every window opening then, and every circuit drawing the snapshot).
/// </summary>
public sealed class LaidReservations
{
    private readonly ImmutableArray<AdvanceReservation> honoured;
    private readonly int slots;
    private readonly Dictionary<string, ImmutableArray<NodeSupply>> supplyByModel = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<DateTimeOffset, Lazy<LaidLayout>> byInstant = new();
    private readonly ImmutableArray<UsableNode> usable;

    public LaidReservations(ImmutableArray<Node> nodes, IEnumerable<AdvanceReservation> honoured)
    {
        ArgumentNullException.ThrowIfNull(honoured);
        this.honoured = [.. honoured];
        // As Lay: Ready or Draining nodes in name order (a stable sort); nodes of the same name share their pins.
        var ordered = nodes.Where(n => n.State is NodeState.Ready or NodeState.Draining).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
        var slotOf = new Dictionary<string, int>(StringComparer.Ordinal);
        usable = [.. ordered.Select(n => new UsableNode(n, slotOf.TryGetValue(n.Name, out var slot) ? slot : slotOf[n.Name] = slotOf.Count))];
        slots = slotOf.Count;
    }

    /// <summary>The honoured reservations, in the order they were given.</summary>
    public ImmutableArray<AdvanceReservation> Honoured => honoured;

    /// <summary>The layout at <paramref name="now"/>: the same pins and shortfalls as <see cref="ReservationPins.Lay"/>.</summary>
    public LaidLayout At(DateTimeOffset now) =>
        byInstant.GetOrAdd(now, at => new Lazy<LaidLayout>(() => Lay(at), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private LaidLayout Lay(DateTimeOffset now)
    {
        var ordered = honoured
            .Select(r => (Reservation: r, Window: r.WindowAt(now)))
            .Where(x => x.Window is not null)
            .OrderBy(x => x.Reservation.Id == 0 ? long.MaxValue : x.Reservation.Id)
            .ToList();
        var pins = ImmutableArray.CreateBuilder<ReservationPin>();
        var laidOn = new List<LaidPin>?[slots];
        var shortfalls = ImmutableDictionary.CreateBuilder<long, int>();
        var mine = new List<(string Node, int Slot, int Gpus)>();
        foreach (var (reservation, found) in ordered)
        {
            var window = found!.Value;
            var remaining = reservation.Gpus;
            mine.Clear();
            // Only nodes with GPUs of the model can give any: the others are skipped, as Lay finds nothing free there.
            foreach (var supply in remaining > 0 ? SupplyOf(reservation.GpuModel) : [])
            {
                var taken = 0;
                foreach (var laid in laidOn[supply.Slot] ?? [])
                {
                    if (laid.Window.Overlaps(window) && GpuModels.Match(laid.Model, reservation.GpuModel))
                    {
                        taken += laid.Gpus;
                    }
                }

                var take = Math.Min(remaining, supply.Gpus - taken);
                if (take > 0)
                {
                    mine.Add((supply.Name, supply.Slot, take));
                    remaining -= take;
                    if (remaining == 0)
                    {
                        break;
                    }
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
                var (node, slot, gpus) = mine[i];
                var last = i == mine.Count - 1;
                var cpu = last ? cpuLeft : reservation.CpuMillicores * gpus / Math.Max(1, given);
                var memory = last ? memoryLeft : reservation.MemoryMiB * gpus / Math.Max(1, given);
                cpuLeft -= cpu;
                memoryLeft -= memory;
                var pin = new ReservationPin(reservation.Id, node, gpus, cpu, memory);
                pins.Add(pin);
                (laidOn[slot] ??= []).Add(new LaidPin(window, gpus, reservation.GpuModel));
            }
        }

        return new LaidLayout(new ReservationLayout(pins.ToImmutable(), shortfalls.ToImmutable()));
    }

    /// <summary>The usable nodes with GPUs of <paramref name="model"/>, in name order, with how many they have.</summary>
    private ImmutableArray<NodeSupply> SupplyOf(string model)
    {
        lock (supplyByModel)
        {
            if (!supplyByModel.TryGetValue(model, out var supply))
            {
                supplyByModel[model] = supply =
                [
                    .. usable.Select(u => new NodeSupply(u.Node.Name, u.Slot, u.Node.CountGpus(model))).Where(s => s.Gpus > 0),
                ];
            }

            return supply;
        }
    }

    private sealed record UsableNode(Node Node, int Slot);

    private sealed record NodeSupply(string Name, int Slot, int Gpus);

    private sealed record LaidPin(ReservationWindow Window, int Gpus, string Model);
}

/// <summary>One instant's layout, with each reservation's pins at hand.</summary>
public sealed class LaidLayout(ReservationLayout layout)
{
    private readonly ILookup<long, ReservationPin> byReservation = layout.Pins.ToLookup(p => p.Reservation);

    public ReservationLayout Layout => layout;

    /// <summary>The pins of reservation <paramref name="reservation"/>, in the order they were laid (as <see cref="ReservationLayout.Of"/>).</summary>
    public IEnumerable<ReservationPin> Of(long reservation) => byReservation[reservation];
}
