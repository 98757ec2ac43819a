namespace Dashboard.Scheduling.Planning;

/// <summary>A job's (or a running job's) simulated end: when, which job, and what it gives back to which node and team (-1: a team with no waiting job).</summary>
internal readonly record struct SimulatedEnd(DateTimeOffset At, long Job, int Node, int Team, ulong Gpus, int GpuCount, long CpuMillicores, long MemoryMiB)
{
    public long Ticks => At.UtcTicks;
}

/// <summary>A min-heap of ends by (end time, job id), the same order as the reference's (DateTimeOffset, long) keys.</summary>
internal sealed class EndHeap
{
    private SimulatedEnd[] items = new SimulatedEnd[256];

    public int Count { get; private set; }

    public void Push(in SimulatedEnd end)
    {
        if (Count == items.Length)
        {
            Array.Resize(ref items, items.Length * 2);
        }

        var at = Count++;
        var ticks = end.Ticks;
        while (at > 0)
        {
            var parent = (at - 1) >> 1;
            ref readonly var above = ref items[parent];
            var aboveTicks = above.Ticks;
            if (aboveTicks < ticks || (aboveTicks == ticks && above.Job <= end.Job))
            {
                break;
            }

            items[at] = above;
            at = parent;
        }

        items[at] = end;
    }

    public SimulatedEnd Pop()
    {
        var top = items[0];
        var last = items[--Count];
        var count = Count;
        var at = 0;
        var ticks = last.Ticks;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= count)
            {
                break;
            }

            if (child + 1 < count && Before(in items[child + 1], in items[child]))
            {
                child++;
            }

            ref readonly var below = ref items[child];
            var belowTicks = below.Ticks;
            if (ticks < belowTicks || (ticks == belowTicks && last.Job <= below.Job))
            {
                break;
            }

            items[at] = below;
            at = child;
        }

        items[at] = last;
        return top;
    }

    private static bool Before(in SimulatedEnd x, in SimulatedEnd y)
    {
        var xTicks = x.Ticks;
        var yTicks = y.Ticks;
        return xTicks < yTicks || (xTicks == yTicks && x.Job < y.Job);
    }
}
