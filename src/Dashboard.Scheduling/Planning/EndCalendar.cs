namespace Dashboard.Scheduling.Planning;

/// <summary>A job's (or a running job's) simulated end: when, which job, and what it gives back to which node and team (-1: a team with no waiting job).</summary>
internal readonly record struct SimulatedEnd(DateTimeOffset At, long Job, int Node, int Team, ulong Gpus, int GpuCount, long CpuMillicores, long MemoryMiB)
{
    public long Ticks => At.UtcTicks;
}

/// <summary>
/// The simulation's pending ends, popped by (end time, job id): the same order as the reference's (DateTimeOffset,
/// long) keys (job ids are unique, so the order is total). Ends are grouped by instant: walltimes come in few sizes,
/// so a full-cluster pass pushes ~100,000 ends at only ~3,000 distinct times. A small heap orders the instants and
/// each instant's ends are sorted by job id once, when it comes first; a pop is then a read from an array instead of
/// a walk down a heap of every running job (whose unpredictable comparisons were the estimator's largest cost).
/// Ends pushed at an instant already being taken go to their place among its remaining ends, so any order of pushes
/// and pops gives the heap's order. The ends themselves sit in one pool whose freed slots are reused first (the
/// ~3,000 pending ends stay in a few cache-warm pages); an instant holds only job ids and slots. <see cref="Clear"/>
/// keeps the arrays for the next pass.
/// </summary>
internal sealed class EndCalendar
{
    private readonly Dictionary<long, Instant> byTicks = [];
    private readonly Stack<Instant> spareInstants = new();
    private Instant[] instants = new Instant[64];
    private int instantCount;
    private SimulatedEnd[] pool = new SimulatedEnd[256];
    private int[] freeSlots = new int[256];
    private int freeCount;
    private int slotsUsed;

    public int Count { get; private set; }

    public void Push(in SimulatedEnd end)
    {
        if (!byTicks.TryGetValue(end.Ticks, out var instant))
        {
            instant = spareInstants.Count > 0 ? spareInstants.Pop() : new Instant();
            instant.Ticks = end.Ticks;
            byTicks.Add(end.Ticks, instant);
            PushInstant(instant);
        }

        instant.Add(end.Job, TakeSlot(in end));
        Count++;
    }

    public SimulatedEnd Pop()
    {
        var first = instants[0];
        var slot = first.TakeFirst();
        freeSlots[freeCount++] = slot;
        if (first.IsEmpty)
        {
            PopInstant();
            byTicks.Remove(first.Ticks);
            first.Clear();
            spareInstants.Push(first);
        }

        Count--;
        return pool[slot];
    }

    /// <summary>Empties the calendar, keeping its arrays.</summary>
    public void Clear()
    {
        for (var i = 0; i < instantCount; i++)
        {
            instants[i].Clear();
            spareInstants.Push(instants[i]);
            instants[i] = null!;
        }

        instantCount = 0;
        byTicks.Clear();
        Count = 0;
        freeCount = 0;
        slotsUsed = 0;
    }

    private int TakeSlot(in SimulatedEnd end)
    {
        int slot;
        if (freeCount > 0)
        {
            slot = freeSlots[--freeCount];
        }
        else
        {
            if (slotsUsed == pool.Length)
            {
                Array.Resize(ref pool, pool.Length * 2);
                Array.Resize(ref freeSlots, freeSlots.Length * 2);
            }

            slot = slotsUsed++;
        }

        pool[slot] = end;
        return slot;
    }

    private void PushInstant(Instant instant)
    {
        if (instantCount == instants.Length)
        {
            Array.Resize(ref instants, instants.Length * 2);
        }

        var at = instantCount++;
        while (at > 0)
        {
            var parent = (at - 1) / 2;
            if (instants[parent].Ticks <= instant.Ticks)
            {
                break;
            }

            instants[at] = instants[parent];
            at = parent;
        }

        instants[at] = instant;
    }

    private void PopInstant()
    {
        var last = instants[--instantCount];
        instants[instantCount] = null!;
        if (instantCount == 0)
        {
            return;
        }

        var at = 0;
        while (true)
        {
            var child = (2 * at) + 1;
            if (child >= instantCount)
            {
                break;
            }

            if (child + 1 < instantCount && instants[child + 1].Ticks < instants[child].Ticks)
            {
                child++;
            }

            if (last.Ticks <= instants[child].Ticks)
            {
                break;
            }

            instants[at] = instants[child];
            at = child;
        }

        instants[at] = last;
    }

    /// <summary>
    /// The ends at one instant, as job ids beside pool slots: unordered while they are only pushed, by job id from the
    /// first take on.
    /// </summary>
    private sealed class Instant
    {
        private long[] jobs = new long[16];
        private int[] slots = new int[16];
        private int count;
        private int taken;
        private bool ordered;

        public long Ticks { get; set; }

        public bool IsEmpty => taken == count;

        public void Add(long job, int slot)
        {
            if (count == jobs.Length)
            {
                Array.Resize(ref jobs, jobs.Length * 2);
                Array.Resize(ref slots, slots.Length * 2);
            }

            var at = count++;
            if (ordered)
            {
                // Rare: a zero walltime, or an end pushed at an instant that is being taken; keep the rest in order.
                while (at > taken && jobs[at - 1] > job)
                {
                    jobs[at] = jobs[at - 1];
                    slots[at] = slots[at - 1];
                    at--;
                }
            }

            jobs[at] = job;
            slots[at] = slot;
        }

        /// <summary>The pool slot of the end with the lowest job id.</summary>
        public int TakeFirst()
        {
            if (!ordered)
            {
                jobs.AsSpan(taken, count - taken).Sort(slots.AsSpan(taken, count - taken));
                ordered = true;
            }

            return slots[taken++];
        }

        public void Clear()
        {
            count = 0;
            taken = 0;
            ordered = false;
        }
    }
}
