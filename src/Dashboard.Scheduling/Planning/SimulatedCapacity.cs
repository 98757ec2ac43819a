using System.Numerics;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// A lighter copy of <see cref="NodeCapacity"/> for the start estimator, which takes and gives capacity hundreds of
/// thousands of times a pass: nodes sit in plain buckets by free GPUs (constant-time moves), and a job goes to the
/// first node of the lowest bucket that holds it. Deterministic, but not best fit: estimates need speed more than
/// the tightest packing.
/// </summary>
internal sealed class SimulatedCapacity
{
    private readonly NodeCapacity shape;
    private readonly ulong[] freeMask;
    private readonly long[] freeCpu;
    private readonly long[] freeMemory;

    /// <summary>Nodes by free GPUs: bucket k holds <see cref="bucketSize"/>[k] nodes, in the order they came (a removal moves the last into the hole).</summary>
    private readonly int[]?[] buckets;
    private readonly int[] bucketSize;

    /// <summary>The highest bucket a node was ever put in: searches stop there instead of at the 64-GPU bucket.</summary>
    private int topBucket;
    private readonly int[] bucketOf;
    private readonly int[] positionInBucket;

    public SimulatedCapacity(NodeCapacity from)
    {
        shape = from;
        var count = from.Count;
        freeMask = new ulong[count];
        freeCpu = new long[count];
        freeMemory = new long[count];
        bucketOf = new int[count];
        positionInBucket = new int[count];
        buckets = new int[]?[Node.MaxGpusPerNode + 1];
        bucketSize = new int[buckets.Length];
        for (var i = 0; i < count; i++)
        {
            freeMask[i] = from.FreeMask(i);
            freeCpu[i] = from.FreeCpu(i);
            freeMemory[i] = from.FreeMemory(i);
            bucketOf[i] = -1;
            if (from.IsSchedulable(i))
            {
                AddToBucket(i);
            }
        }
    }

    public int FirstFit(int gpus, long cpu, long memory, string? model)
    {
        var modelMasks = model is null ? null : shape.ModelMasks(model);
        for (var k = Math.Max(gpus, 0); k <= topBucket; k++)
        {
            var size = bucketSize[k];
            if (size == 0)
            {
                continue;
            }

            var bucket = buckets[k]!;
            for (var at = 0; at < size; at++)
            {
                var i = bucket[at];
                if (freeCpu[i] >= cpu && freeMemory[i] >= memory
                    && (modelMasks is null || BitOperations.PopCount(freeMask[i] & modelMasks[i]) >= gpus))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>Takes the job's GPUs (lowest free matching indices), CPU and memory; returns the GPUs as a mask.</summary>
    public ulong Take(int node, int gpus, long cpu, long memory, string? model)
    {
        var candidates = freeMask[node] & shape.ModelMask(node, model);
        ulong taken = 0;
        for (var n = 0; n < gpus; n++)
        {
            var lowest = candidates & (~candidates + 1);
            taken |= lowest;
            candidates &= ~lowest;
        }

        Move(node, freeMask[node] & ~taken, -cpu, -memory);
        return taken;
    }

    public void Give(int node, ulong gpus, long cpu, long memory) => Move(node, freeMask[node] | gpus, cpu, memory);

    private void Move(int node, ulong mask, long cpu, long memory)
    {
        RemoveFromBucket(node);
        freeMask[node] = mask;
        freeCpu[node] += cpu;
        freeMemory[node] += memory;
        if (shape.IsSchedulable(node))
        {
            AddToBucket(node);
        }
    }

    private void AddToBucket(int node)
    {
        var k = BitOperations.PopCount(freeMask[node]);
        bucketOf[node] = k;
        topBucket = Math.Max(topBucket, k);
        var bucket = buckets[k] ??= new int[freeMask.Length];
        positionInBucket[node] = bucketSize[k];
        bucket[bucketSize[k]++] = node;
    }

    private void RemoveFromBucket(int node)
    {
        var k = bucketOf[node];
        if (k < 0)
        {
            return;
        }

        var bucket = buckets[k]!;
        var position = positionInBucket[node];
        var last = bucket[--bucketSize[k]];
        bucket[position] = last;
        positionInBucket[last] = position;
        bucketOf[node] = -1;
    }
}
