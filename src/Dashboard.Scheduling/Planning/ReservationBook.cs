using System.Numerics;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 5's books (EASY backfill): when each node frees capacity (running jobs' expected ends), the capacity
/// held for blocked high-priority jobs from their reserved start onward, and the two questions backfill asks:
/// "when could this job start on that node?" and "would starting this job now delay a reservation?".
/// </summary>
internal sealed partial class ReservationBook
{
    private readonly NodeCapacity capacity;
    private readonly DateTimeOffset now;
    private readonly IReadOnlyList<RunningJob> running;
    private readonly List<(GpuAllocation Allocation, string Team)> started = [];
    private Dictionary<string, List<(DateTimeOffset At, ResourceAmount Amount)>>? teamReleases;
    private readonly List<BackfillReservation>?[] reserved;
    private readonly int[] considered;
    private readonly ResourceAmount[] projected;
    private List<Release>? allReleases;
    private int reserveRound;
    private readonly Dictionary<string, List<BackfillReservation>> teamReservations = new(StringComparer.Ordinal);
    private List<Release>[]? releases;

    /// <summary>The release timeline is built on first use: a pass that never reserves never pays for it.</summary>
    public ReservationBook(NodeCapacity capacity, IReadOnlyList<RunningJob> running, DateTimeOffset now)
    {
        this.capacity = capacity;
        this.now = now;
        this.running = running;
        reserved = new List<BackfillReservation>?[capacity.Count];
        considered = new int[capacity.Count];
        projected = new ResourceAmount[capacity.Count];
    }

    public int Count { get; private set; }

    public bool IsEmpty => Count == 0 && holds == 0;

    /// <summary>Records that <paramref name="allocation"/> frees its resources at its expected end (if it has one).</summary>
    public void AddRelease(GpuAllocation allocation, string team)
    {
        started.Add((allocation, team));
        if (releases is not null)
        {
            AddTo(releases, allocation);
        }

        if (teamReleases is not null && allocation.ExpectedEnd is { } end)
        {
            AddTeamRelease(teamReleases, team, end, allocation.Amount);
        }
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

            foreach (var allocation in running.Select(r => r.Allocation).Concat(started.Select(s => s.Allocation)))
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

        var release = new Release(Max(end, now), node, NodeCapacity.MaskOf(allocation.GpuIndices.AsSpan()), allocation.CpuMillicores, allocation.MemoryMiB);
        if (allReleases is not null && ReferenceEquals(timeline, releases))
        {
            var position = allReleases.BinarySearch(release, ReleaseOrder.Instance);
            allReleases.Insert(position < 0 ? ~position : position, release);
        }

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
        var request = job.Request;
        var bestNode = -1;
        DateTimeOffset bestStart = default;
        reserveRound++;

        void Candidate(int node)
        {
            if (considered[node] == reserveRound || !capacity.IsSchedulable(node))
            {
                return;
            }

            considered[node] = reserveRound;
            if (EarliestStart(node, request) is { } start && (bestNode < 0 || start < bestStart || (start == bestStart && node < bestNode)))
            {
                bestNode = node;
                bestStart = start;
            }
        }

        // A node's earliest start is never before the moment its free capacity (ignoring reservations) first
        // reaches the request: walk all releases in time order and look closely only at nodes as they get there,
        // until the releases are later than the best start found.
        for (var node = 0; node < capacity.Count; node++)
        {
            projected[node] = new ResourceAmount(BitOperations.PopCount(capacity.FreeMask(node) & capacity.ModelMask(node, request.GpuModel)), capacity.FreeCpu(node), capacity.FreeMemory(node));
            if (request.Amount.FitsWithin(projected[node]))
            {
                Candidate(node);
            }
        }

        foreach (var release in AllReleases())
        {
            if (bestNode >= 0 && release.At > bestStart)
            {
                break;
            }

            var node = release.Node;
            projected[node] += new ResourceAmount(BitOperations.PopCount(release.Gpus & capacity.ModelMask(node, request.GpuModel)), release.CpuMillicores, release.MemoryMiB);
            if (request.Amount.FitsWithin(projected[node]))
            {
                Candidate(node);
            }
        }

        if (bestNode < 0)
        {
            return null;
        }

        var reservation = new BackfillReservation(job.Id, capacity.NodeAt(bestNode).Name, bestStart, job.Request.Amount, job.Request.GpuModel, job.Team);
        var list = reserved[bestNode] ??= [];
        var at = list.Count;
        while (at > 0 && list[at - 1].Start > bestStart)
        {
            at--;
        }

        list.Insert(at, reservation);
        if (!teamReservations.TryGetValue(job.Team, out var ofTeam))
        {
            ofTeam = [];
            teamReservations[job.Team] = ofTeam;
        }

        ofTeam.Add(reservation);
        Count++;
        return reservation;
    }

    /// <summary>
    /// The reservation that starting <paramref name="request"/> on <paramref name="node"/> now on the GPUs
    /// <paramref name="gpus"/>, until <paramref name="end"/> (null: no walltime, holds forever), would delay; null
    /// when it delays none. GPUs are counted by the reserved job's model, so a job on a mixed node may not take the
    /// model a reservation waits for.
    /// </summary>
    public BackfillReservation? WouldDelay(int node, ResourceRequest request, ulong gpus, DateTimeOffset? end)
    {
        if (reserved[node] is not { Count: > 0 } list)
        {
            return null;
        }

        foreach (var reservation in list)
        {
            if ((end is { } jobEnd && jobEnd <= reservation.Start) || IsMembersHold(reservation))
            {
                continue;
            }

            var reservedModel = capacity.ModelMask(node, reservation.GpuModel);
            var free = FreeAt(node, reservation.Start, reservedModel);
            if (free.Gpus < BitOperations.PopCount(gpus & reservedModel) || free.CpuMillicores < request.CpuMillicores || free.MemoryMiB < request.MemoryMiB)
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
        // only if the node has room for it from then on, through every later reservation. The node's free
        // capacity at each candidate (free now, plus what has ended by then, minus what is reserved by then, as
        // FreeAt counts it) comes from one walk over the candidates in time order beside the node's releases and
        // reservations (both kept in time order), instead of a walk over both lists per candidate.
        var timeline = Releases()[node];
        var reservedHere = reserved[node];
        var count = timeline.Count + 1 + (reservedHere?.Count ?? 0);
        var candidates = count <= 256 ? stackalloc DateTimeOffset[count] : new DateTimeOffset[count];
        candidates[0] = now;
        var filled = 1;
        foreach (var release in timeline)
        {
            candidates[filled++] = release.At;
        }

        if (reservedHere is not null)
        {
            foreach (var reservation in reservedHere)
            {
                candidates[filled++] = Max(reservation.Start, now);
            }
        }

        candidates.Sort();
        var fits = count <= 1024 ? stackalloc bool[count] : new bool[count];
        var gpus = BitOperations.PopCount(capacity.FreeMask(node) & modelMask);
        var cpu = capacity.FreeCpu(node);
        var memory = capacity.FreeMemory(node);
        var nextRelease = 0;
        var nextReservation = 0;
        for (var i = 0; i < count; i++)
        {
            var at = candidates[i];
            for (; nextRelease < timeline.Count && timeline[nextRelease].At <= at; nextRelease++)
            {
                var release = timeline[nextRelease];
                gpus += BitOperations.PopCount(release.Gpus & modelMask);
                cpu += release.CpuMillicores;
                memory += release.MemoryMiB;
            }

            for (; reservedHere is not null && nextReservation < reservedHere.Count && reservedHere[nextReservation].Start <= at; nextReservation++)
            {
                var amount = reservedHere[nextReservation].Amount;
                gpus -= amount.Gpus;
                cpu -= amount.CpuMillicores;
                memory -= amount.MemoryMiB;
            }

            fits[i] = gpus >= request.Gpus && cpu >= request.CpuMillicores && memory >= request.MemoryMiB;
        }

        DateTimeOffset? earliest = null;
        for (var i = count - 1; i >= 0 && fits[i]; i--)
        {
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

    /// <summary>Every known release on every node, in time order (then node, then GPUs).</summary>
    private List<Release> AllReleases()
    {
        if (allReleases is null)
        {
            var all = Releases().SelectMany(list => list).ToList();
            all.Sort(ReleaseOrder.Instance);
            allReleases = all;
        }

        return allReleases;
    }

    private readonly record struct Release(DateTimeOffset At, int Node, ulong Gpus, long CpuMillicores, long MemoryMiB);

    private sealed class ReleaseOrder : IComparer<Release>
    {
        public static readonly ReleaseOrder Instance = new();

        public int Compare(Release x, Release y)
        {
            var byTime = x.At.CompareTo(y.At);
            if (byTime != 0)
            {
                return byTime;
            }

            var byNode = x.Node.CompareTo(y.Node);
            return byNode != 0 ? byNode : x.Gpus.CompareTo(y.Gpus);
        }
    }
}
