using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Web.Timeline;

/// <summary>The GPUs one window of an approved reservation keeps on one node.</summary>
public sealed record ReservedBlock(AdvanceReservation Reservation, ReservationWindow Window, ReservationPin Pin);

/// <summary>
/// Where the approved advance reservations keep GPUs during the windows that fall in the timeline's window: the
/// scheduler's own layout (<see cref="ReservationPins.Lay"/>, here <see cref="LaidReservations"/>) at each window's
/// start, so the timeline shows the nodes the scheduler holds. Each snapshot is laid out once per instant, whichever
/// circuit or window asks.
/// </summary>
public static class TimelineReservations
{
    /// <summary>Windows drawn per reservation at most (a recurring booking in a long window).</summary>
    public const int MaxWindows = 60;

    private static readonly ConditionalWeakTable<ClusterSnapshot, LaidReservations> Laid = [];

    public static ImmutableArray<ReservedBlock> Blocks(ClusterSnapshot snapshot, TimelineWindow window)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(window);
        var laid = Laid.GetValue(snapshot, s => new LaidReservations(s.Nodes, s.Reservations.Where(r => r.IsHonoured)));
        var blocks = ImmutableArray.CreateBuilder<ReservedBlock>();
        foreach (var reservation in laid.Honoured)
        {
            foreach (var shown in reservation.Windows(window.From, window.To).Take(MaxWindows))
            {
                foreach (var pin in laid.At(shown.Start).Of(reservation.Id))
                {
                    blocks.Add(new ReservedBlock(reservation, shown, pin));
                }
            }
        }

        return blocks.ToImmutable();
    }
}
