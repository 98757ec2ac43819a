using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;

namespace Dashboard.Web.Timeline;

/// <summary>The GPUs one window of an approved reservation keeps on one node.</summary>
public sealed record ReservedBlock(AdvanceReservation Reservation, ReservationWindow Window, ReservationPin Pin);

/// <summary>
/// Where the approved advance reservations keep GPUs during the windows that fall in the timeline's window: the
/// scheduler's own layout (<see cref="ReservationPins.Lay"/>) at each window's start, so the timeline shows the nodes
/// the scheduler holds.
/// </summary>
public static class TimelineReservations
{
    /// <summary>Windows drawn per reservation at most (a recurring booking in a long window).</summary>
    public const int MaxWindows = 60;

    public static ImmutableArray<ReservedBlock> Blocks(ClusterSnapshot snapshot, TimelineWindow window)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(window);
        var honoured = snapshot.Reservations.Where(r => r.IsHonoured).ToList();
        var blocks = ImmutableArray.CreateBuilder<ReservedBlock>();
        // The layout is a pure function of the nodes, the bookings and the instant: windows opening at the same instant share it.
        var layouts = new Dictionary<DateTimeOffset, ReservationLayout>();
        foreach (var reservation in honoured)
        {
            foreach (var shown in reservation.Windows(window.From, window.To).Take(MaxWindows))
            {
                if (!layouts.TryGetValue(shown.Start, out var layout))
                {
                    layouts[shown.Start] = layout = ReservationPins.Lay(snapshot.Nodes, honoured, shown.Start);
                }

                blocks.AddRange(layout.Of(reservation.Id).Select(pin => new ReservedBlock(reservation, shown, pin)));
            }
        }

        return blocks.ToImmutable();
    }
}
