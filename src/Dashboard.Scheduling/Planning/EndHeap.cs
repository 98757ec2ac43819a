namespace Dashboard.Scheduling.Planning;

/// <summary>A job's (or a running job's) simulated end: when, which job, and what it gives back to which node and team (-1: a team with no waiting job).</summary>
internal readonly record struct SimulatedEnd(DateTimeOffset At, long Job, int Node, int Team, ulong Gpus, int GpuCount, long CpuMillicores, long MemoryMiB)
{
    public long Ticks => At.UtcTicks;
}

/// <summary>
/// A min-heap of ends by (end time, job id), the same order as the reference's (DateTimeOffset, long) keys (job ids
/// are unique, so the order is total and any heap pops the same sequence). Four children per entry and only the
/// keys in the heap (end ticks, job id, slot of the full entry): a pop moves 24-byte keys through about half as many
/// levels as a binary heap of the 64-byte entries did, the four children of an entry sharing one or two cache lines.
/// </summary>
internal sealed class EndHeap
{
    private Key[] keys = new Key[256];
    private SimulatedEnd[] entries = new SimulatedEnd[256];
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int slotsUsed;

    public int Count { get; private set; }

    public void Push(in SimulatedEnd end)
    {
        if (Count == keys.Length)
        {
            Array.Resize(ref keys, keys.Length * 2);
        }

        int slot;
        if (freeCount > 0)
        {
            slot = freeSlots[--freeCount];
        }
        else
        {
            if (slotsUsed == entries.Length)
            {
                Array.Resize(ref entries, entries.Length * 2);
                Array.Resize(ref freeSlots, freeSlots.Length * 2);
            }

            slot = slotsUsed++;
        }

        entries[slot] = end;
        var key = new Key(end.Ticks, end.Job, slot);
        var at = Count++;
        while (at > 0)
        {
            var parent = (at - 1) >> 2;
            ref readonly var above = ref keys[parent];
            if (!Before(in key, in above))
            {
                break;
            }

            keys[at] = above;
            at = parent;
        }

        keys[at] = key;
    }

    public SimulatedEnd Pop()
    {
        var topSlot = keys[0].Slot;
        var last = keys[--Count];
        var count = Count;
        var at = 0;
        while (true)
        {
            var first = (4 * at) + 1;
            if (first >= count)
            {
                break;
            }

            var best = first;
            var end = Math.Min(first + 4, count);
            for (var child = first + 1; child < end; child++)
            {
                if (Before(in keys[child], in keys[best]))
                {
                    best = child;
                }
            }

            if (!Before(in keys[best], in last))
            {
                break;
            }

            keys[at] = keys[best];
            at = best;
        }

        if (count > 0)
        {
            keys[at] = last;
        }

        freeSlots[freeCount++] = topSlot;
        return entries[topSlot];
    }

    private static bool Before(in Key x, in Key y) => x.Ticks < y.Ticks || (x.Ticks == y.Ticks && x.Job < y.Job);

    private readonly record struct Key(long Ticks, long Job, int Slot);
}
