using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.CrashHost;

/// <summary>
/// An endless, made-up stream of job lifecycles for the crash test and the persistence benchmark: each step submits
/// a job and starts it on free GPUs; when no node has enough free GPUs, the oldest running job first succeeds and
/// gives its GPUs back. Tracks free GPU indices itself, so it never hands out a GPU twice. Not thread-safe.
/// </summary>
public sealed class SyntheticLoad
{
    public const string Team = "load";
    private const long CpuPerGpu = 4_000;
    private const long MemoryPerGpu = 16 * 1024;

    private readonly ImmutableArray<Node> nodes;
    private readonly Dictionary<string, int> nodeIndex;
    private readonly ulong[] free;
    private readonly Queue<GpuAllocation> running = new();
    private readonly Func<int> gpusPerJob;
    private long nextId;
    private int cursor;

    public SyntheticLoad(ImmutableArray<Node> nodes, IEnumerable<RunningJob> alreadyRunning, JobId nextId, Func<int> gpusPerJob)
    {
        ArgumentNullException.ThrowIfNull(alreadyRunning);
        this.nodes = nodes;
        this.gpusPerJob = gpusPerJob;
        this.nextId = nextId.Value;
        nodeIndex = nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        free = [.. nodes.Select(n => n.Gpus.Aggregate(0UL, (mask, g) => mask | (1UL << g.Index)))];
        foreach (var job in alreadyRunning.OrderBy(r => r.Allocation.Start).ThenBy(r => r.Job.Id))
        {
            foreach (var index in job.Allocation.GpuIndices)
            {
                free[nodeIndex[job.Allocation.Node]] &= ~(1UL << index);
            }

            running.Enqueue(job.Allocation);
        }
    }

    public int RunningCount => running.Count;

    /// <summary><paramref name="count"/> nodes named node-000, node-001, ... with <paramref name="gpusPerNode"/> GPUs each.</summary>
    public static ImmutableArray<Node> Nodes(int count, int gpusPerNode) =>
        [.. Enumerable.Range(0, count).Select(i => new Node(
            string.Create(CultureInfo.InvariantCulture, $"node-{i:D3}"),
            [.. Enumerable.Range(0, gpusPerNode).Select(g => new Gpu(g, "A100", 80 * 1024))],
            CpuPerGpu * 2 * gpusPerNode,
            MemoryPerGpu * 2 * gpusPerNode))];

    /// <summary>A quota whose nominal share is the whole of <paramref name="nodes"/>.</summary>
    public static TeamQuota Quota(ImmutableArray<Node> nodes) =>
        new(Team, nodes.Aggregate(ResourceAmount.Zero, (sum, n) => sum + n.Capacity), ResourceAmount.Zero);

    /// <summary>The changes that set the cluster up: every node and the team's quota.</summary>
    public static IReadOnlyList<ClusterChange> Setup(ImmutableArray<Node> nodes, DateTimeOffset at) =>
        [.. nodes.Select(n => (ClusterChange)new NodeUpserted(n, at)), new QuotaSet(Quota(nodes), at)];

    /// <summary>The next job and the changes that submit and start it (after ending the oldest jobs when GPUs are short).</summary>
    public (JobId Job, List<ClusterChange> Changes) Next(DateTimeOffset now)
    {
        var gpus = gpusPerJob();
        var changes = new List<ClusterChange>(5);
        int node;
        while ((node = FindNode(gpus)) < 0)
        {
            node = ReleaseOldest(now, changes);
            cursor = node;
        }

        var indices = ImmutableArray.CreateBuilder<int>(gpus);
        for (var i = 0; i < gpus; i++)
        {
            var index = BitOperations.TrailingZeroCount(free[node]);
            free[node] &= ~(1UL << index);
            indices.Add(index);
        }

        var id = new JobId(nextId++);
        var spec = new JobSpec($"load-{id}", "loadtester", Team, "sleep 60", new ResourceRequest(gpus, CpuPerGpu * gpus, MemoryPerGpu * gpus));
        var job = new Job(id, spec, now);
        var allocation = new GpuAllocation(id, nodes[node].Name, indices.MoveToImmutable(), spec.Request.CpuMillicores, spec.Request.MemoryMiB, now, null);
        running.Enqueue(allocation);
        changes.Add(new JobSubmitted(job));
        changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Running, now));
        changes.Add(new AllocationMade(allocation, Borrowing: false));
        return (id, changes);
    }

    private int FindNode(int gpus)
    {
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = (cursor + i) % nodes.Length;
            if (BitOperations.PopCount(free[node]) >= gpus)
            {
                cursor = node;
                return node;
            }
        }

        return -1;
    }

    private int ReleaseOldest(DateTimeOffset now, List<ClusterChange> changes)
    {
        var oldest = running.Dequeue();
        var node = nodeIndex[oldest.Node];
        foreach (var index in oldest.GpuIndices)
        {
            free[node] |= 1UL << index;
        }

        changes.Add(new AllocationReleased(oldest.Job, now));
        changes.Add(new JobStateChanged(oldest.Job, JobState.Running, JobState.Succeeded, now, ExitCode: 0));
        return node;
    }
}
