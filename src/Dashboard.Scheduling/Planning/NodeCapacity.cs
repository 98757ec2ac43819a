using System.Collections.Immutable;
using System.Numerics;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The free capacity of every node during one pass: free GPUs as a bit mask per node, free CPU and memory,
/// and the Ready nodes bucketed by how many GPUs they have free, so best fit looks only at nodes that could
/// hold the request. Mutable working state owned by one pass; never shared.
/// </summary>
internal sealed class NodeCapacity
{
    private readonly Node[] nodes;
    private readonly ulong[] allMask;
    private readonly ulong[] freeMask;
    private readonly long[] freeCpu;
    private readonly long[] freeMemory;
    private readonly bool[] schedulable;
    private readonly List<int>[] buckets;

    /// <summary>The highest bucket a node was ever put in: searches stop there instead of at the 64-GPU bucket.</summary>
    private int topBucket;
    private readonly bool[] bucketSorted;
    private readonly TightnessOrder tightness;
    private readonly int[] bucketOf;
    private readonly NodeLayout layout;
    private readonly Dictionary<string, int> indexByName;

    /// <summary>Each node's busy horizon (UTC ticks) once <see cref="TrackHorizons"/> was called, and the horizons of each bucket's nodes counted in order (<see cref="HorizonCounts"/>).</summary>
    private long[]? horizons;
    private HorizonCounts[]? bucketHorizons;

    public NodeCapacity(ImmutableArray<Node> snapshotNodes, IEnumerable<GpuAllocation> held)
    {
        layout = NodeLayout.Of(snapshotNodes);
        nodes = layout.Nodes;
        allMask = layout.AllMask;
        schedulable = layout.Schedulable;
        indexByName = layout.IndexByName;
        var count = nodes.Length;
        freeMask = new ulong[count];
        freeCpu = new long[count];
        freeMemory = new long[count];
        bucketOf = new int[count];
        tightness = new TightnessOrder(this);
        buckets = new List<int>[Node.MaxGpusPerNode + 1];
        bucketSorted = new bool[buckets.Length];
        for (var k = 0; k < buckets.Length; k++)
        {
            buckets[k] = [];
        }

        for (var i = 0; i < count; i++)
        {
            var node = nodes[i];
            freeMask[i] = allMask[i];
            freeCpu[i] = node.CpuMillicores;
            freeMemory[i] = node.MemoryMiB;
            bucketOf[i] = -1;
        }

        foreach (var allocation in held)
        {
            if (indexByName.TryGetValue(allocation.Node, out var i))
            {
                freeMask[i] &= ~MaskOf(allocation.GpuIndices.AsSpan());
                freeCpu[i] -= allocation.CpuMillicores;
                freeMemory[i] -= allocation.MemoryMiB;
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (schedulable[i])
            {
                AddToBucket(i);
            }
        }
    }

    private NodeCapacity(NodeCapacity other)
    {
        layout = other.layout;
        nodes = other.nodes;
        allMask = other.allMask;
        indexByName = other.indexByName;
        schedulable = other.schedulable;
        freeMask = (ulong[])other.freeMask.Clone();
        freeCpu = (long[])other.freeCpu.Clone();
        freeMemory = (long[])other.freeMemory.Clone();
        bucketOf = (int[])other.bucketOf.Clone();
        tightness = new TightnessOrder(this);
        buckets = [.. other.buckets.Select(b => new List<int>(b))];
        topBucket = other.topBucket;
        bucketSorted = (bool[])other.bucketSorted.Clone();
        horizons = (long[]?)other.horizons?.Clone();
        bucketHorizons = other.bucketHorizons?.Select(counts => counts.Clone()).ToArray();
    }

    public int Count => nodes.Length;

    /// <summary>Changes every time capacity is taken or given, so callers can cache what they derived from it.</summary>
    public int Version { get; private set; }

    public Node NodeAt(int index) => nodes[index];

    public int IndexOf(string nodeName) => indexByName.TryGetValue(nodeName, out var i) ? i : -1;

    public bool IsSchedulable(int node) => schedulable[node];

    public ulong FreeMask(int node) => freeMask[node];

    public long FreeCpu(int node) => freeCpu[node];

    public long FreeMemory(int node) => freeMemory[node];

    /// <summary>The most GPUs free on any Ready node.</summary>
    public int MaxFreeGpus
    {
        get
        {
            for (var k = topBucket; k > 0; k--)
            {
                if (buckets[k].Count > 0)
                {
                    return k;
                }
            }

            return 0;
        }
    }

    public bool AnyFreeCpu()
    {
        for (var k = 0; k <= topBucket; k++)
        {
            foreach (var i in buckets[k])
            {
                if (freeCpu[i] > 0 && freeMemory[i] > 0)
                {
                    return true;
                }
            }
        }

        return false;
    }

    public NodeCapacity Clone() => new(this);

    /// <summary>The GPUs of <paramref name="node"/> that satisfy <paramref name="model"/> (all of them when null).</summary>
    public ulong ModelMask(int node, string? model) => model is null ? allMask[node] : layout.ModelMasks(model)[node];

    /// <summary>The GPUs of every node that satisfy <paramref name="model"/>, as masks by node index.</summary>
    public ulong[] ModelMasks(string model) => layout.ModelMasks(model);

    /// <summary>Whether the request fits the node's free capacity right now (ignoring reservations).</summary>
    public bool FitsNow(int node, ResourceRequest request) => FitsNow(node, request.Amount, request.GpuModel);

    /// <summary>Whether <paramref name="amount"/> of GPUs of <paramref name="model"/> (any when null), CPU and memory fits the node's free capacity right now.</summary>
    public bool FitsNow(int node, ResourceAmount amount, string? model) =>
        freeCpu[node] >= amount.CpuMillicores
        && freeMemory[node] >= amount.MemoryMiB
        && BitOperations.PopCount(freeMask[node] & ModelMask(node, model)) >= amount.Gpus;

    /// <summary>
    /// Best fit: the Ready node that fits with the least free GPUs, then least free CPU, then least free memory,
    /// then lowest name; -1 when none. <paramref name="allowed"/> may veto a node (backfill reservations).
    /// </summary>
    public int BestFit(ResourceRequest request, Func<int, bool>? allowed = null) => BestFit(request.Amount, request.GpuModel, allowed);

    /// <inheritdoc cref="BestFit(ResourceRequest, Func{int, bool}?)"/>
    public int BestFit(ResourceAmount amount, string? model, Func<int, bool>? allowed = null)
    {
        // Inside a bucket nodes are in tightness order, so the first that fits is the best.
        var choice = new FirstAllowed(allowed);
        WalkFitting(amount, model, ref choice);
        return choice.Node;
    }

    /// <summary>
    /// Placement that keeps room for large jobs: among the Ready nodes that fit (and <paramref name="allowed"/>), the one
    /// that <paramref name="extension"/> scores lowest (the scheduler's score: how far the job would run past the node's
    /// busy horizon, or when it ends within it, how much earlier), then best fit as <see cref="BestFit(ResourceAmount, string?, Func{int, bool}?)"/>. Long jobs
    /// gather on nodes that are busy for long anyway, short ones fill the gaps of busy nodes, and nodes that are about to
    /// empty stay free for the large jobs that need a whole node. <paramref name="extension"/> must never be negative.
    /// </summary>
    public int LeastExtendingFit(ResourceAmount amount, string? model, Func<int, bool>? allowed, long endTicks)
    {
        var choice = new LowestScore(this, allowed, endTicks);
        WalkFitting(amount, model, ref choice);
        return choice.Node;
    }

    /// <summary>Starts keeping every node's busy horizon, all at <paramref name="nowTicks"/> (see <see cref="BusyHorizons"/>).</summary>
    public void TrackHorizons(long nowTicks)
    {
        horizons = new long[nodes.Length];
        Array.Fill(horizons, nowTicks);
        bucketHorizons = new HorizonCounts[buckets.Length];
        for (var k = 0; k < buckets.Length; k++)
        {
            bucketHorizons[k] = new HorizonCounts();
            for (var i = 0; i < buckets[k].Count; i++)
            {
                bucketHorizons[k].Add(nowTicks);
            }
        }
    }

    /// <summary>Pushes node <paramref name="node"/>'s horizon out to <paramref name="ticks"/> (never in); a negative node is ignored.</summary>
    public void ExtendHorizon(int node, long ticks)
    {
        if (node < 0 || horizons is null || ticks <= horizons[node])
        {
            return;
        }

        var k = bucketOf[node];
        if (k >= 0)
        {
            bucketHorizons![k].Remove(horizons[node]);
            bucketHorizons[k].Add(ticks);
        }

        horizons[node] = ticks;
    }

    /// <summary>
    /// The lowest score (<see cref="BusyHorizons.Score"/>) any node of bucket <paramref name="k"/> could have for a job
    /// ending at <paramref name="endTicks"/>: the scores grow away from the end on both sides, so the bucket's earliest
    /// and latest horizons bound them; 0 when the end lies between the two.
    /// </summary>
    private long LowestPossibleScore(int k, long endTicks)
    {
        var counts = bucketHorizons![k];
        if (counts.IsEmpty)
        {
            return long.MaxValue;
        }

        var latest = counts.Latest;
        if (endTicks >= latest)
        {
            return endTicks - latest;
        }

        var earliest = counts.Earliest;
        return endTicks < earliest ? (earliest - endTicks) / 10 : 0;
    }

    /// <summary>
    /// Offers <paramref name="choice"/> every node that fits <paramref name="amount"/> now, in best-fit order (buckets of
    /// free GPUs from the fewest that suffice, each in tightness order), until it says it has chosen.
    /// </summary>
    private void WalkFitting<TChoice>(ResourceAmount amount, string? model, ref TChoice choice)
        where TChoice : struct, INodeChoice
    {
        for (var k = Math.Max(amount.Gpus, 0); k <= topBucket; k++)
        {
            var bucket = buckets[k];
            if (bucket.Count == 0)
            {
                continue;
            }

            if (choice.Skips(k))
            {
                continue;
            }

            SortBucket(k);
            foreach (var i in bucket)
            {
                if (FitsNow(i, amount, model) && choice.Offer(i))
                {
                    return;
                }

                if (choice.Skips(k))
                {
                    break;
                }
            }
        }
    }

    /// <summary>How a placement picks among the fitting nodes it is offered in best-fit order; true: chosen, stop.</summary>
    private interface INodeChoice
    {
        bool Offer(int node);

        /// <summary>Whether no node (left) in bucket <paramref name="k"/> can change the choice: the walk goes on to the next bucket.</summary>
        bool Skips(int k);
    }

    /// <summary>The first node offered that <c>allowed</c> accepts.</summary>
    private struct FirstAllowed(Func<int, bool>? allowed) : INodeChoice
    {
        public int Node { get; private set; } = -1;

        public bool Offer(int node)
        {
            if (allowed is not null && !allowed(node))
            {
                return false;
            }

            Node = node;
            return true;
        }

        public readonly bool Skips(int k) => false;
    }

    /// <summary>
    /// The first node offered with the lowest score that <c>allowed</c> accepts; a zero score ends the walk, and a bucket
    /// whose nodes cannot score lower than the node found is skipped (ties keep the first, so the choice is the same).
    /// </summary>
    private struct LowestScore(NodeCapacity capacity, Func<int, bool>? allowed, long endTicks) : INodeChoice
    {
        private long lowest = long.MaxValue;

        public int Node { get; private set; } = -1;

        public readonly bool Skips(int k) => lowest != long.MaxValue && lowest <= capacity.LowestPossibleScore(k, endTicks);

        public bool Offer(int node)
        {
            var scored = BusyHorizons.Score(capacity.horizons![node], endTicks);
            if (scored >= lowest || (allowed is not null && !allowed(node)))
            {
                return false;
            }

            Node = node;
            lowest = scored;

            // Scores are never negative: no later node can score lower, and ties keep the first.
            return scored == 0;
        }
    }

    /// <summary>The GPUs <see cref="Take"/> would choose for <paramref name="request"/> on <paramref name="node"/> now, as a mask.</summary>
    public ulong PreviewGpus(int node, ResourceRequest request) =>
        request.Gpus == 0 ? 0 : MaskOf(GpuIndexChoice.Choose(freeMask[node] & ModelMask(node, request.GpuModel), request.Gpus).AsSpan());

    /// <summary>Takes the GPUs chosen by <see cref="GpuIndexChoice"/>, the CPU and the memory; returns the GPU indices.</summary>
    public ImmutableArray<int> Take(int node, ResourceRequest request)
    {
        var chosen = GpuIndexChoice.Choose(freeMask[node] & ModelMask(node, request.GpuModel), request.Gpus);
        TakeExact(node, MaskOf(chosen.AsSpan()), request.CpuMillicores, request.MemoryMiB);
        return chosen;
    }

    public void TakeExact(int node, ulong gpus, long cpu, long memory)
    {
        Version++;
        RemoveFromBucket(node);
        freeMask[node] &= ~gpus;
        freeCpu[node] -= cpu;
        freeMemory[node] -= memory;
        AddToBucket(node);
    }

    public void Give(int node, ulong gpus, long cpu, long memory)
    {
        Version++;
        RemoveFromBucket(node);
        freeMask[node] |= gpus & allMask[node];
        freeCpu[node] += cpu;
        freeMemory[node] += memory;
        AddToBucket(node);
    }

    public static ulong MaskOf(ReadOnlySpan<int> gpuIndices)
    {
        ulong mask = 0;
        foreach (var index in gpuIndices)
        {
            mask |= Bit(index);
        }

        return mask;
    }

    /// <summary>The mask bit of one GPU index (none for an index outside 0-63).</summary>
    public static ulong Bit(int index) => index is >= 0 and < Node.MaxGpusPerNode ? 1UL << index : 0;

    private void AddToBucket(int node)
    {
        if (!schedulable[node])
        {
            return;
        }

        var k = BitOperations.PopCount(freeMask[node]);
        bucketOf[node] = k;
        bucketHorizons?[k].Add(horizons![node]);
        topBucket = Math.Max(topBucket, k);
        var bucket = buckets[k];
        if (bucketSorted[k])
        {
            var at = bucket.BinarySearch(node, tightness);
            bucket.Insert(at < 0 ? ~at : at, node);
        }
        else
        {
            bucket.Add(node);
        }
    }

    /// <summary>
    /// A bucket is put in tightness order the first time best fit looks into it, and kept in order after that:
    /// a pass pays for ordering only the buckets it uses.
    /// </summary>
    private void SortBucket(int k)
    {
        if (!bucketSorted[k])
        {
            buckets[k].Sort(tightness);
            bucketSorted[k] = true;
        }
    }

    private void RemoveFromBucket(int node)
    {
        var k = bucketOf[node];
        if (k < 0)
        {
            return;
        }

        // Removal must happen before the node's free CPU or memory change: a sorted bucket is ordered by them.
        var bucket = buckets[k];
        if (bucketSorted[k])
        {
            bucket.RemoveAt(bucket.BinarySearch(node, tightness));
        }
        else
        {
            var at = bucket.IndexOf(node);
            bucket[at] = bucket[^1];
            bucket.RemoveAt(bucket.Count - 1);
        }

        bucketHorizons?[k].Remove(horizons![node]);
        bucketOf[node] = -1;
    }

    /// <summary>Least free CPU first, then least free memory, then lowest name.</summary>
    private sealed class TightnessOrder(NodeCapacity capacity) : IComparer<int>
    {
        public int Compare(int x, int y)
        {
            var byCpu = capacity.freeCpu[x].CompareTo(capacity.freeCpu[y]);
            if (byCpu != 0)
            {
                return byCpu;
            }

            var byMemory = capacity.freeMemory[x].CompareTo(capacity.freeMemory[y]);
            return byMemory != 0 ? byMemory : x.CompareTo(y);
        }
    }
}
