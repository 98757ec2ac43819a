using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Timeline;

/// <summary>Above <see cref="AggregateAbove"/> nodes: one row per GPU model, its GPUs busy, planned and reserved per slice.</summary>
public sealed partial record TimelineView
{
    private static ImmutableArray<TimelineGroup> GroupsOf(ClusterSnapshot snapshot, List<EstimatedPlacement> estimated, TimelineWindow window)
    {
        var modelOf = snapshot.Nodes.ToDictionary(n => n.Name, n => n.Gpus.IsEmpty ? "CPU only" : n.Gpus[0].Model, StringComparer.Ordinal);
        var slice = window.Span / Slices;
        var blocks = TimelineReservations.Blocks(snapshot, window);
        return
        [
            .. snapshot.Nodes.GroupBy(n => modelOf[n.Name], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(group =>
            {
                var gpus = group.Sum(n => n.Gpus.Length);
                var names = group.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
                var running = snapshot.Running.Where(r => names.Contains(r.Allocation.Node)).ToList();
                var waiting = estimated.Where(e => names.Contains(e.Node)).ToList();
                var reservedHere = blocks.Where(b => names.Contains(b.Pin.Node)).ToList();
                var cells = Enumerable.Range(0, Slices).Select(i =>
                {
                    var middle = window.From + (slice * i) + (slice / 2);
                    var busy = running.Where(r => r.Allocation.ExpectedEnd is not { } end || end > middle).Sum(r => r.Allocation.GpuIndices.Length);
                    var planned = waiting.Where(e => e.Start <= middle && (e.Job.Spec.Walltime is not { } w || e.Start + w > middle)).Sum(e => e.Gpus);
                    var reserved = ReservedAt(reservedHere, middle);
                    return new TimelineCell(100.0 * i / Slices, 100.0 / Slices, busy, planned,
                        $"{group.Key} at {Time(middle)}: {busy} of {gpus} GPUs running, {planned} more estimated to start by then" + (reserved > 0 ? $", {reserved} kept for advance reservations" : ""))
                    {
                        ReservedGpus = reserved,
                    };
                }).ToImmutableArray();
                return new TimelineGroup(group.Key, group.Count(), gpus, cells);
            }),
        ];
    }
}
