using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>The estimator's four-way heaps pop in exactly the order a sorted set of the same keys gives, under random pushes and pops.</summary>
public sealed class HeapTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_end_calendar_pops_by_end_time_then_job_id(int seed)
    {
        var random = new Random(seed);
        var heap = new EndCalendar();
        var reference = new SortedSet<(long Ticks, long Job)>();
        var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var nextJob = 1L;
        var popped = new List<(long, long)>();
        var expected = new List<(long, long)>();
        for (var step = 0; step < 20_000; step++)
        {
            if (reference.Count == 0 || random.Next(3) > 0)
            {
                // Few distinct times, so ties on time are common; job ids arrive out of order.
                var at = epoch.AddHours(random.Next(40));
                var job = (nextJob++ * 7_919) % 1_000_003;
                heap.Push(new SimulatedEnd(at, job, random.Next(10), random.Next(5), 1UL << random.Next(8), 1, 1000, 1024));
                reference.Add((at.UtcTicks, job));
            }
            else
            {
                var end = heap.Pop();
                popped.Add((end.Ticks, end.Job));
                var min = reference.Min;
                reference.Remove(min);
                expected.Add(min);
            }

            heap.Count.Should().Be(reference.Count);
        }

        popped.Should().Equal(expected);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_position_heap_pops_the_lowest_position_first(int seed)
    {
        var random = new Random(seed);
        var heap = new PositionHeap();
        var reference = new List<int>();
        for (var step = 0; step < 20_000; step++)
        {
            if (reference.Count == 0 || random.Next(3) > 0)
            {
                var position = random.Next(5_000);
                heap.Push(position);
                reference.Add(position);
            }
            else
            {
                var min = reference.Min();
                reference.Remove(min);
                heap.Peek().Should().Be(min);
                heap.Pop().Should().Be(min);
            }

            heap.Count.Should().Be(reference.Count);
        }
    }
}
