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
/// and pops gives the heap's order. <see cref="Clear"/> keeps the arrays for the next pass.
/// </summary>
internal sealed class EndCalendar
{
    private readonly Dictionary<long, Instant> byTicks = [];
    private readonly Stack<Instant> spareInstants = new();
    private Instant[] instants = new Instant[64];
    private int instantCount;

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

        instant.Add(in end);
        Count++;
    }

    public SimulatedEnd Pop()
    {
        var first = instants[0];
        var end = first.TakeFirst();
        if (first.IsEmpty)
        {
            PopInstant();
            byTicks.Remove(first.Ticks);
            first.Clear();
            spareInstants.Push(first);
        }

        Count--;
        return end;
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
    /// The ends at one instant: unordered while they are only pushed, by job id from the first take on. The order is
    /// kept as job ids beside slots into the ends (a sort moves 8 + 4 bytes per end, not the 64-byte ends).
    /// </summary>
    private sealed class Instant
    {
        private SimulatedEnd[] ends = new SimulatedEnd[16];
        private long[] jobs = new long[16];
        private int[] slots = new int[16];
        private int count;
        private int taken;
        private bool ordered;

        public long Ticks { get; set; }

        public bool IsEmpty => taken == count;

        public void Add(in SimulatedEnd end)
        {
            if (count == ends.Length)
            {
                Array.Resize(ref ends, ends.Length * 2);
                Array.Resize(ref jobs, jobs.Length * 2);
                Array.Resize(ref slots, slots.Length * 2);
            }

            var slot = count++;
            ends[slot] = end;
            var at = slot;
            if (ordered)
            {
                // Rare: a zero walltime, or an end pushed at an instant that is being taken; keep the rest in order.
                while (at > taken && jobs[at - 1] > end.Job)
                {
                    jobs[at] = jobs[at - 1];
                    slots[at] = slots[at - 1];
                    at--;
                }
            }

            jobs[at] = end.Job;
            slots[at] = slot;
        }

        public SimulatedEnd TakeFirst()
        {
            if (!ordered)
            {
                jobs.AsSpan(taken, count - taken).Sort(slots.AsSpan(taken, count - taken));
                ordered = true;
            }

            return ends[slots[taken++]];
        }

        public void Clear()
        {
            count = 0;
            taken = 0;
            ordered = false;
        }
    }
}
