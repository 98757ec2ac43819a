using Dashboard.Data.UsageHistory;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Engine.Usage;

/// <summary>
/// One minute's reserved time per team from a published snapshot: the GPUs each approved reservation whose window is
/// open keeps (laid out on the nodes as the scheduler lays them, <see cref="ReservationPins.Lay"/>) and how many of
/// them ran none of the team's jobs: on each node the reservation keeps GPUs on, the team's running jobs' GPUs of
/// the reservation's model count as used, each GPU for one reservation only (in booking order). GPUs lent to other
/// teams' jobs are idle for the booking team. Reads only the snapshot; no I/O.
/// </summary>
public static class ReservationSampling
{
    public static IReadOnlyList<ReservationSample> Sample(ClusterSnapshot snapshot, DateTimeOffset minute)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var honoured = snapshot.Reservations.Where(r => r.IsHonoured).ToList();
        var open = honoured.Where(r => r.WindowAt(minute) is { } window && window.Contains(minute)).ToDictionary(r => r.Id);
        if (open.Count == 0)
        {
            return [];
        }

        var nodes = snapshot.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var layout = ReservationPins.Lay(snapshot.Nodes, honoured, minute);
        var claimed = new HashSet<(string Node, int Index)>();
        var tallies = new SortedDictionary<string, (int Reserved, int Idle)>(StringComparer.Ordinal);
        foreach (var pin in layout.Pins.Where(p => open.ContainsKey(p.Reservation)).OrderBy(p => p.Reservation))
        {
            var reservation = open[pin.Reservation];
            var used = 0;
            foreach (var running in snapshot.Running)
            {
                if (running.Allocation.Node != pin.Node || !string.Equals(running.Job.Team, reservation.Team, StringComparison.Ordinal))
                {
                    continue;
                }

                foreach (var index in running.Allocation.GpuIndices)
                {
                    if (used < pin.Gpus && IsModel(nodes.GetValueOrDefault(pin.Node), index, reservation.GpuModel) && claimed.Add((pin.Node, index)))
                    {
                        used++;
                    }
                }
            }

            var (reserved, idle) = tallies.GetValueOrDefault(reservation.Team);
            tallies[reservation.Team] = (reserved + pin.Gpus, idle + pin.Gpus - used);
        }

        return [.. tallies.Select(t => new ReservationSample(t.Key, minute, t.Value.Reserved, t.Value.Idle))];
    }

    private static bool IsModel(Node? node, int index, string model) =>
        node is not null && node.Gpus.Any(g => g.Index == index && GpuModels.Match(g.Model, model));
}
