using System.Diagnostics;
using System.Globalization;
using Dashboard.Bench.Scheduling;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Identity;
using Dashboard.Web.Timeline;

namespace Dashboard.Bench.Timeline;

/// <summary>
/// Where a view's time goes (<c>-- --breakdown</c>): per update, the reservation layout alone
/// (<see cref="TimelineReservations.Blocks"/>) and as it was laid out before (the scheduler's layout called per shown
/// window), the whole view, and the whole view of the same update without its
/// bookings; each as wall time and as the process's CPU time (which moves less when other work shares the cores).
/// </summary>
public static class TimelineBreakdown
{
    public static void Measure(int nodeCount, int updates, Func<int, int, ClusterUpdate> build, ICurrentUser viewer)
    {
        ArgumentNullException.ThrowIfNull(build);
        var published = Enumerable.Range(0, updates + 20).Select(v => build(nodeCount, v)).ToArray();
        var layout = new Timed();
        var former = new Timed();
        var view = new Timed();
        var bare = new Timed();
        var blocks = 0L;
        for (var v = 0; v < published.Length; v++)
        {
            var update = published[v];
            var window = new TimelineWindow(update.At, TimelineWindow.DefaultSpan.Length);
            var warm = v >= 20;
            blocks += layout.Run(warm, () => TimelineReservations.Blocks(update.Snapshot, window).Length);
            former.Run(warm, () => FormerBlocks(update.Snapshot, window));
            // A copy of the snapshot: the view lays the bookings out again instead of finding the layout just made.
            var copy = update with { Snapshot = update.Snapshot with { } };
            view.Run(warm, () => TimelineView.Of(copy, window.Span, viewer).Rows.Length);
            var withoutBookings = update with { Snapshot = update.Snapshot with { Reservations = [] } };
            bare.Run(warm, () => TimelineView.Of(withoutBookings, window.Span, viewer).Rows.Length);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{nodeCount,5} nodes, breakdown over {updates} updates ({blocks / updates} reserved blocks per update): " +
            $"reservation layout {layout.Describe()} (before 035779f, Lay per shown window: {former.Describe()}); view {view.Describe()}; view without bookings {bare.Describe()}"));
    }

    /// <summary>The blocks as the timeline built them before 035779f: the scheduler's layout once per distinct window start.</summary>
    private static int FormerBlocks(ClusterSnapshot snapshot, TimelineWindow window)
    {
        var honoured = snapshot.Reservations.Where(r => r.IsHonoured).ToList();
        var layouts = new Dictionary<DateTimeOffset, ReservationLayout>();
        var blocks = 0;
        foreach (var reservation in honoured)
        {
            foreach (var shown in reservation.Windows(window.From, window.To).Take(TimelineReservations.MaxWindows))
            {
                if (!layouts.TryGetValue(shown.Start, out var layout))
                {
                    layouts[shown.Start] = layout = ReservationPins.Lay(snapshot.Nodes, honoured, shown.Start);
                }

                blocks += layout.Of(reservation.Id).Count();
            }
        }

        return blocks;
    }

    /// <summary>Wall and process CPU time of repeated runs.</summary>
    private sealed class Timed
    {
        private readonly Samples wall = new();
        private readonly Samples cpu = new();

        public int Run(bool record, Func<int> action)
        {
            var process = Process.GetCurrentProcess();
            var cpuStart = process.TotalProcessorTime;
            var start = Stopwatch.GetTimestamp();
            var result = action();
            var elapsed = Stopwatch.GetElapsedTime(start);
            process.Refresh();
            if (record)
            {
                wall.Add(elapsed);
                cpu.Add(process.TotalProcessorTime - cpuStart);
            }

            return result;
        }

        public string Describe() =>
            string.Create(CultureInfo.InvariantCulture, $"wall p50 {wall.Median:0.0} / p95 {wall.Percentile(95):0.0} ms, CPU p50 {cpu.Median:0.0} / p95 {cpu.Percentile(95):0.0} ms");
    }
}
