using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>The estimator's queues give jobs and ends in exactly the order a sorted set of the same keys gives, under random pushes and pops.</summary>
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
    [InlineData(1, 5_000)]
    [InlineData(2, 5_000)]
    [InlineData(3, 300_000)]
    public void The_position_set_gives_the_lowest_position_first(int seed, int positions)
    {
        var random = new Random(seed);
        var set = new PositionSet();
        set.Reserve(positions);
        var reference = new SortedSet<int>();
        for (var step = 0; step < 20_000; step++)
        {
            if (reference.Count == 0 || random.Next(3) > 0)
            {
                var position = random.Next(positions);
                if (reference.Add(position))
                {
                    set.Add(position);
                }
            }
            else
            {
                set.Lowest.Should().Be(reference.Min);
                reference.Remove(reference.Min);
                set.RemoveLowest();
            }

            set.Count.Should().Be(reference.Count);
        }

        set.Clear();
        set.Add(positions - 1);
        set.Add(3);
        set.Lowest.Should().Be(3);
        set.RemoveLowest();
        set.Lowest.Should().Be(positions - 1, "a cleared set keeps nothing of what it held before");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_quota_wait_queue_gives_the_lowest_position_first(int seed)
    {
        // As in the simulation: jobs mostly join in rising positions, and some taken from the front come back.
        var random = new Random(seed);
        var queue = new QuotaWaitQueue();
        var reference = new SortedSet<int>();
        var taken = new List<int>();
        var nextPosition = 0;
        for (var step = 0; step < 20_000; step++)
        {
            var roll = random.Next(10);
            if (roll < 4 || reference.Count == 0 && taken.Count == 0)
            {
                nextPosition += 1 + random.Next(3);
                queue.Add(new QuotaWaiter(nextPosition, 1, nextPosition * 10L, nextPosition * 100L));
                reference.Add(nextPosition);
            }
            else if (roll < 7 && taken.Count > 0)
            {
                var back = taken[random.Next(taken.Count)];
                taken.Remove(back);
                queue.Add(new QuotaWaiter(back, 1, back * 10L, back * 100L));
                reference.Add(back);
            }
            else if (reference.Count > 0)
            {
                var first = queue.First;
                first.Position.Should().Be(reference.Min);
                first.CpuMillicores.Should().Be(first.Position * 10L);
                queue.RemoveFirst();
                reference.Remove(first.Position);
                taken.Add(first.Position);
            }

            queue.Count.Should().Be(reference.Count);
        }
    }
}
