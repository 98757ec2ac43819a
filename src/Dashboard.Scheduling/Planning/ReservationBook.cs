using System.Numerics;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 5's books (EASY backfill): when each node frees capacity (running jobs' expected ends), the capacity
/// held for blocked high-priority jobs from their reserved start onward, and the two questions backfill asks:
/// "when could this job start on that node?" and "would starting this job now delay a reservation?".
/// </summary>
internal sealed class ReservationBook
{
    private readonly NodeCapacity capacity;
    private readonly DateTimeOffset now;
    private readonly IEnumerable<GpuAllocation> held;
    private readonly List<GpuAllocation> startedBeforeTimeline = [];
    private readonly List<BackfillReservation>?[] reserved;
    private List<Release>[]? releases;

    /// <summary>The release timeline is built on first use: a pass that never reserves never pays for it.</summary>
    public ReservationBook(NodeCapacity capacity, IEnumerable<GpuAllocation> held, DateTimeOffset now)
    {
        this.capacity = capacity;
        this.now = now;
        this.held = held;
        reserved = new List<BackfillReservation>?[capacity.Count];
    }

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Records that <paramref name="allocation"/> frees its resources at its expected end (if it has one).</summary>
    public void AddRelease(GpuAllocation allocation)
    {
        if (releases is null)
        {
            startedBeforeTimeline.Add(allocation);
            return;
        }

        AddTo(releases, allocation);
    }

    private List<Release>[] Releases()
    {
        if (releases is null)
        {
            var built = new List<Release>[capacity.Count];
            for (var i = 0; i < built.Length; i++)
            {
                built[i] = [];
            }

            foreach (var allocation in held.Concat(startedBeforeTimeline))
            {
                AddTo(built, allocation);
            }

            releases = built;
        }

        return releases;
    }

    private void AddTo(List<Release>[] timeline, GpuAllocation allocation)
    {
        var node = capacity.IndexOf(allocation.Node);
        if (node < 0 || allocation.ExpectedEnd is not { } end)
        {
            return;
        }

        var release = new Release(Max(end, now), NodeCapacity.MaskOf(allocation.GpuIndices), allocation.CpuMillicores, allocation.MemoryMiB);
        var list = timeline[node];
        var at = list.Count;
        while (at > 0 && list[at - 1].At > release.At)
        {
            at--;
        }

        list.Insert(at, release);
    }

    /// <summary>Reserves the earliest start any Ready node can give <paramref name="job"/>; null when no known end time allows one.</summary>
    public BackfillReservation? Reserve(Job job)
    {
        var bestNode = -1;
        DateTimeOffset bestStart = default;
        for (var node = 0; node < capacity.Count; node++)
        {
            if (!capacity.IsSchedulable(node) || EarliestStart(node, job.Request) is not { } start)
            {
                continue;
            }

            if (bestNode < 0 || start < bestStart)
            {
                bestNode = node;
                bestStart = start;
            }
        }

        if (bestNode < 0)
        {
            return null;
        }

        var reservation = new BackfillReservation(job.Id, capacity.NodeAt(bestNode).Name, bestStart, job.Request.Amount);
        var list = reserved[bestNode] ??= [];
        var at = list.Count;
        while (at > 0 && list[at - 1].Start > bestStart)
        {
            at--;
        }

        list.Insert(at, reservation);
        Count++;
        return reservation;
    }

    /// <summary>
    /// The reservation that starting <paramref name="request"/> on <paramref name="node"/> now, until
    /// <paramref name="end"/> (null: no walltime, holds forever), would delay; null when it delays none.
    /// </summary>
    public BackfillReservation? WouldDelay(int node, ResourceRequest request, DateTimeOffset? end)
    {
        if (reserved[node] is not { Count: > 0 } list)
        {
            return null;
        }

        foreach (var reservation in list)
        {
            if (end is { } jobEnd && jobEnd <= reservation.Start)
            {
                continue;
            }

            var free = FreeAt(node, reservation.Start, modelMask: ulong.MaxValue);
            if (free.Gpus < request.Gpus || free.CpuMillicores < request.CpuMillicores || free.MemoryMiB < request.MemoryMiB)
            {
                return reservation;
            }
        }

        return null;
    }

    private DateTimeOffset? EarliestStart(int node, ResourceRequest request)
    {
        var modelMask = capacity.ModelMask(node, request.GpuModel);
        var shape = capacity.NodeAt(node);
        if (BitOperations.PopCount(modelMask) < request.Gpus || shape.CpuMillicores < request.CpuMillicores || shape.MemoryMiB < request.MemoryMiB)
        {
            return null;
        }

        // Candidate start times are now and every moment capacity changes; the job may start at a candidate
        // only if the node has room for it from then on, through every later reservation.
        var timeline = Releases()[node];
        var candidates = new List<DateTimeOffset>(timeline.Count + 1) { now };
        candidates.AddRange(timeline.Select(r => r.At));
        if (reserved[node] is { } list)
        {
            candidates.AddRange(list.Select(r => Max(r.Start, now)));
        }

        candidates.Sort();
        DateTimeOffset? earliest = null;
        for (var i = candidates.Count - 1; i >= 0; i--)
        {
            var free = FreeAt(node, candidates[i], modelMask);
            if (free.Gpus < request.Gpus || free.CpuMillicores < request.CpuMillicores || free.MemoryMiB < request.MemoryMiB)
            {
                break;
            }

            earliest = candidates[i];
        }

        return earliest;
    }

    /// <summary>Free capacity of the node at <paramref name="at"/>: free now, plus what has ended by then, minus what is reserved by then.</summary>
    private ResourceAmount FreeAt(int node, DateTimeOffset at, ulong modelMask)
    {
        var gpus = BitOperations.PopCount(capacity.FreeMask(node) & modelMask);
        var cpu = capacity.FreeCpu(node);
        var memory = capacity.FreeMemory(node);
        foreach (var release in Releases()[node])
        {
            if (release.At > at)
            {
                break;
            }

            gpus += BitOperations.PopCount(release.Gpus & modelMask);
            cpu += release.CpuMillicores;
            memory += release.MemoryMiB;
        }

        if (reserved[node] is { } list)
        {
            foreach (var reservation in list)
            {
                if (reservation.Start > at)
                {
                    break;
                }

                gpus -= reservation.Amount.Gpus;
                cpu -= reservation.Amount.CpuMillicores;
                memory -= reservation.Amount.MemoryMiB;
            }
        }

        return new ResourceAmount(gpus, cpu, memory);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private readonly record struct Release(DateTimeOffset At, ulong Gpus, long CpuMillicores, long MemoryMiB);
}
