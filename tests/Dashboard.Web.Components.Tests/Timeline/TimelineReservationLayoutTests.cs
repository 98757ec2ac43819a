using System.Collections.Immutable;
using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Identity;
using Dashboard.Web.Timeline;

namespace Dashboard.Web.Components.Tests.Timeline;

/// <summary>
/// The timeline lays the bookings out once per snapshot and instant (<see cref="LaidReservations"/>) instead of calling
/// the scheduler's <see cref="ReservationPins.Lay"/> for every shown window: what it draws must not change. Random
/// clusters (mixed GPU models, drained and down nodes) and bookings (recurring, pending, overlapping, too large,
/// the booking being checked as id 0) are compared with the scheduler's layout and with the former way of building
/// the blocks.
/// </summary>
public sealed class TimelineReservationLayoutTests
{
    private static readonly SignedInUser Admin = new("root", UserRole.Admin, []);
    private static readonly string[] Models = ["A100-80GB", "H100", "a100-80gb"];
    private static readonly string?[] Rules = [null, null, "0 9 * * *", "0 */6 * * *", "30 14 * * 1-5"];

    [Fact]
    public void At_every_instant_the_layout_is_the_schedulers_pin_for_pin()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var (nodes, bookings) = Cluster(random, random.Next(1, 40));
            var honoured = bookings.Where(b => b.IsHonoured).ToList();
            var laid = new LaidReservations(nodes, honoured);
            var instants = bookings.SelectMany(b => b.Windows(TestCluster.Now.AddDays(-1), TestCluster.Now.AddDays(3)).Take(5).Select(w => w.Start))
                .Concat(Enumerable.Range(0, 8).Select(_ => TestCluster.Now.AddMinutes(random.Next(-24 * 60, 72 * 60))));
            foreach (var at in instants)
            {
                var expected = ReservationPins.Lay(nodes, honoured, at);
                var actual = laid.At(at).Layout;
                actual.Pins.Should().Equal(expected.Pins, $"seed {seed} at {at:O}");
                actual.Shortfalls.Should().BeEquivalentTo(expected.Shortfalls, $"seed {seed} at {at:O}");
                foreach (var booking in honoured)
                {
                    laid.At(at).Of(booking.Id).Should().Equal(expected.Of(booking.Id), $"seed {seed} at {at:O}, booking {booking.Id}");
                }
            }
        }
    }

    [Fact]
    public void An_instant_is_laid_out_once_and_then_shared()
    {
        var (nodes, bookings) = Cluster(new Random(7), 12);
        var laid = new LaidReservations(nodes, bookings.Where(b => b.IsHonoured));

        laid.At(TestCluster.Now.AddHours(3)).Should().BeSameAs(laid.At(TestCluster.Now.AddHours(3)));
        laid.At(TestCluster.Now.AddHours(3)).Should().NotBeSameAs(laid.At(TestCluster.Now.AddHours(4)));
    }

    [Fact]
    public void The_blocks_of_every_window_are_those_the_former_per_window_layout_gave()
    {
        for (var seed = 0; seed < 200; seed++)
        {
            var random = new Random(1_000 + seed);
            var (nodes, bookings) = Cluster(random, random.Next(1, 30));
            var snapshot = new TestCluster().Update().Snapshot with { Nodes = nodes, Reservations = bookings };
            foreach (var span in TimelineWindow.Spans)
            {
                var window = new TimelineWindow(TestCluster.Now.AddMinutes(random.Next(0, 600)), span.Length);

                TimelineReservations.Blocks(snapshot, window).Should().Equal(FormerBlocks(snapshot, window), $"seed {seed}, {span.Name}");
            }
        }
    }

    [Fact]
    public void An_aggregated_view_counts_in_each_slice_the_gpus_the_former_blocks_keep_on_the_groups_nodes()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            var random = new Random(5_000 + seed);
            var (nodes, bookings) = Cluster(random, TimelineView.AggregateAbove + 1 + random.Next(50));
            var update = new TestCluster().Team("vision").Update();
            update = update with { Snapshot = update.Snapshot with { Nodes = nodes, Reservations = bookings } };
            var window = new TimelineWindow(update.At, TimeSpan.FromHours(24));

            var view = TimelineView.Of(update, window.Span, Admin);

            var former = FormerBlocks(update.Snapshot, window);
            foreach (var group in view.Groups)
            {
                var names = nodes.Where(n => (n.Gpus.IsEmpty ? "CPU only" : n.Gpus[0].Model) == group.Label).Select(n => n.Name).ToHashSet();
                var expected = Enumerable.Range(0, TimelineView.Slices).Select(i =>
                {
                    var middle = window.From + (window.Span / TimelineView.Slices * i) + (window.Span / TimelineView.Slices / 2);
                    return former.Where(b => names.Contains(b.Pin.Node) && b.Window.Contains(middle)).Sum(b => b.Pin.Gpus);
                });
                group.Cells.Select(c => c.ReservedGpus).Should().Equal(expected, $"seed {seed}, {group.Label}");
            }
        }
    }

    /// <summary>The blocks as the timeline built them before: the scheduler's layout, called once per distinct window start.</summary>
    private static List<ReservedBlock> FormerBlocks(ClusterSnapshot snapshot, TimelineWindow window)
    {
        var honoured = snapshot.Reservations.Where(r => r.IsHonoured).ToList();
        var blocks = new List<ReservedBlock>();
        foreach (var reservation in honoured)
        {
            foreach (var shown in reservation.Windows(window.From, window.To).Take(TimelineReservations.MaxWindows))
            {
                var layout = ReservationPins.Lay(snapshot.Nodes, honoured, shown.Start);
                blocks.AddRange(layout.Of(reservation.Id).Select(pin => new ReservedBlock(reservation, shown, pin)));
            }
        }

        return blocks;
    }

    /// <summary>Nodes of 0 to 8 GPUs of one or two models (some drained, some down, listed out of name order) and 0 to 24 bookings.</summary>
    private static (ImmutableArray<Node> Nodes, ImmutableArray<AdvanceReservation> Bookings) Cluster(Random random, int nodeCount)
    {
        var nodes = Enumerable.Range(0, nodeCount).Select(i =>
        {
            var model = Models[random.Next(Models.Length)];
            var other = random.NextDouble() < 0.2 ? Models[random.Next(Models.Length)] : model;
            var gpus = random.Next(0, 9);
            var state = random.NextDouble() switch { < 0.1 => NodeState.Draining, < 0.2 => NodeState.Down, < 0.25 => NodeState.Provisioning, _ => NodeState.Ready };
            return new Node($"n{random.Next(1_000):D3}-{i}", [.. Enumerable.Range(0, gpus).Select(g => new Gpu(g, g % 2 == 0 ? model : other, 81_920))], 64_000, 512 * 1024, state);
        }).ToImmutableArray();
        var bookings = Enumerable.Range(0, random.Next(0, 25)).Select(i =>
        {
            var start = TestCluster.Now.AddMinutes(random.Next(-12 * 60, 48 * 60));
            var state = random.NextDouble() switch { < 0.1 => ReservationState.Pending, < 0.15 => ReservationState.Cancelled, _ => ReservationState.Approved };
            var id = random.NextDouble() < 0.05 ? 0 : random.Next(1, 40);
            return new AdvanceReservation(id, $"booking {i}", "test", "vision", Models[random.Next(Models.Length)], random.Next(0, 24), random.Next(0, 9_000), random.Next(0, 70_000),
                start, start.AddMinutes(random.Next(30, 12 * 60)), Rules[random.Next(Rules.Length)], state);
        }).ToImmutableArray();
        return (nodes, bookings);
    }
}
