using System.Numerics;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Tests.Planning.Reference;

/// <summary>
/// A lighter copy of <see cref="NodeCapacity"/> for the start estimator, which takes and gives capacity hundreds of
/// thousands of times a pass: nodes sit in plain buckets by free GPUs (constant-time moves), and a job goes to the
/// first node of the lowest bucket that holds it. Deterministic, but not best fit: estimates need speed more than
/// the tightest packing.
/// </summary>
internal sealed class ReferenceSimulatedCapacity
{
    private readonly NodeCapacity shape;
    private readonly ulong[] freeMask;
    private readonly long[] freeCpu;
    private readonly long[] freeMemory;
    private readonly List<int>[] buckets;

    /// <summary>The highest bucket a node was ever put in: searches stop there instead of at the 64-GPU bucket.</summary>
    private int topBucket;
    private readonly int[] bucketOf;
    private readonly int[] positionInBucket;

    public ReferenceSimulatedCapacity(NodeCapacity from)
    {
        shape = from;
        var count = from.Count;
        freeMask = new ulong[count];
        freeCpu = new long[count];
        freeMemory = new long[count];
        bucketOf = new int[count];
        positionInBucket = new int[count];
        buckets = new List<int>[Node.MaxGpusPerNode + 1];
        for (var k = 0; k < buckets.Length; k++)
        {
            buckets[k] = [];
        }

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

    public int FirstFit(ResourceRequest request)
    {
        for (var k = Math.Max(request.Gpus, 0); k <= topBucket; k++)
        {
            foreach (var i in buckets[k])
            {
                if (freeCpu[i] >= request.CpuMillicores && freeMemory[i] >= request.MemoryMiB
                    && (request.GpuModel is null || BitOperations.PopCount(freeMask[i] & shape.ModelMask(i, request.GpuModel)) >= request.Gpus))
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>Takes the job's GPUs (lowest free matching indices), CPU and memory; returns the GPUs as a mask.</summary>
    public ulong Take(int node, ResourceRequest request)
    {
        var candidates = freeMask[node] & shape.ModelMask(node, request.GpuModel);
        ulong taken = 0;
        for (var n = 0; n < request.Gpus; n++)
        {
            var lowest = candidates & (~candidates + 1);
            taken |= lowest;
            candidates &= ~lowest;
        }

        Move(node, freeMask[node] & ~taken, -request.CpuMillicores, -request.MemoryMiB);
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
        positionInBucket[node] = buckets[k].Count;
        buckets[k].Add(node);
    }

    private void RemoveFromBucket(int node)
    {
        var k = bucketOf[node];
        if (k < 0)
        {
            return;
        }

        var bucket = buckets[k];
        var position = positionInBucket[node];
        var last = bucket[^1];
        bucket[position] = last;
        positionInBucket[last] = position;
        bucket.RemoveAt(bucket.Count - 1);
        bucketOf[node] = -1;
    }
}
