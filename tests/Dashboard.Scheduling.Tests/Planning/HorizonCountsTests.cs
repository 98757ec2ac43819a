using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>The per-bucket horizon bounds behind horizon placement's pruning: exact earliest and latest under any moves.</summary>
public sealed class HorizonCountsTests
{
    [Fact]
    public void The_bounds_follow_the_nodes_as_they_come_and_go()
    {
        var counts = new HorizonCounts();
        counts.Add(50);
        counts.Add(10);
        counts.Add(50);
        counts.Add(90);

        (counts.Earliest, counts.Latest).Should().Be((10L, 90L));

        counts.Remove(90);
        counts.Remove(50);
        (counts.Earliest, counts.Latest).Should().Be((10L, 50L), "one node is still at 50");

        counts.Remove(10);
        counts.Remove(50);
        counts.IsEmpty.Should().BeTrue();
    }

    [Fact]
    public void Removing_a_horizon_no_node_has_is_an_error()
    {
        var counts = new HorizonCounts();
        counts.Add(10);

        var remove = () => counts.Remove(11);

        remove.Should().Throw<InvalidOperationException>();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_moves_keep_the_bounds_equal_to_the_nodes_min_and_max(int seed)
    {
        var random = new Random(seed);
        var counts = new HorizonCounts();
        var held = new List<long>();
        for (var step = 0; step < 2_000; step++)
        {
            if (held.Count > 0 && random.Next(3) == 0)
            {
                var at = random.Next(held.Count);
                counts.Remove(held[at]);
                held.RemoveAt(at);
            }
            else
            {
                var horizon = random.Next(20) * 1_000L;
                counts.Add(horizon);
                held.Add(horizon);
            }

            var copy = counts.Clone();
            counts.IsEmpty.Should().Be(held.Count == 0);
            if (held.Count > 0)
            {
                (counts.Earliest, counts.Latest).Should().Be((held.Min(), held.Max()));
                (copy.Earliest, copy.Latest).Should().Be((held.Min(), held.Max()));
            }
        }
    }
}
