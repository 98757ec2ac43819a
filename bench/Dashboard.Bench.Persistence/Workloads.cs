using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Data.CrashHost;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Persistence;

/// <summary>What one submitter commits per step. Called under a lock, one step at a time.</summary>
public interface IWorkload
{
    string Describe();

    IReadOnlyList<ClusterChange> Next(DateTimeOffset now);
}

/// <summary>
/// One allocation per step: [Pending-&gt;Running, reserve 1 exact GPU] for a job submitted beforehand (untimed), on a
/// cluster big enough that nothing is released during the run. This is the write a scheduling decision makes.
/// </summary>
public sealed class StartWorkload : IWorkload
{
    private const int GpusPerNode = 8;
    private readonly DateTimeOffset submittedAt;
    private readonly int capacity;
    private int started;

    private StartWorkload(DateTimeOffset submittedAt, int capacity)
    {
        this.submittedAt = submittedAt;
        this.capacity = capacity;
    }

    public static StartWorkload Prepare(ClusterWriter writer, int capacity, DateTimeOffset now)
    {
        var nodeCount = (capacity + GpusPerNode - 1) / GpusPerNode;
        var nodes = SyntheticLoad.Nodes(nodeCount, GpusPerNode);
        foreach (var chunk in SyntheticLoad.Setup(nodes, now).Chunk(5_000))
        {
            writer.Write(chunk);
        }

        var batch = new List<ClusterChange>(20_000);
        for (var id = 1; id <= capacity; id++)
        {
            batch.Add(new JobSubmitted(Job(id, now)));
            if (batch.Count == batch.Capacity)
            {
                writer.Write(batch);
                batch.Clear();
            }
        }

        writer.Write(batch);
        return new StartWorkload(now, capacity);
    }

    public string Describe() => "one allocation = Pending->Running + reserve 1 exact GPU, for a job submitted beforehand";

    public IReadOnlyList<ClusterChange> Next(DateTimeOffset now)
    {
        if (started == capacity)
        {
            throw new InvalidOperationException($"All {capacity:N0} prepared jobs have started; prepare more.");
        }

        var slot = started++;
        var job = Job(slot + 1, submittedAt);
        var node = NodeName(slot / GpusPerNode);
        var allocation = new GpuAllocation(job.Id, node, ImmutableArray.Create(slot % GpusPerNode), job.Request.CpuMillicores, job.Request.MemoryMiB, now, null);
        return [new JobStateChanged(job.Id, JobState.Pending, JobState.Running, now), new AllocationMade(allocation, Borrowing: false)];
    }

    private static Job Job(long id, DateTimeOffset at) =>
        new(new JobId(id), new JobSpec($"load-{id}", "loadtester", SyntheticLoad.Team, "sleep 60", new ResourceRequest(1, 4_000, 16_384)), at);

    private static string NodeName(int index) => string.Create(CultureInfo.InvariantCulture, $"node-{index:D3}");
}

/// <summary>
/// One full job lifecycle per step, the steady state of a full cluster: submit a job, Pending-&gt;Running, reserve 1
/// GPU; once all 8,000 GPUs (1,000 nodes x 8) are held, also release the oldest job and mark it Succeeded.
/// </summary>
public sealed class LifecycleWorkload : IWorkload
{
    private readonly SyntheticLoad load;

    private LifecycleWorkload(SyntheticLoad load)
    {
        this.load = load;
    }

    public static LifecycleWorkload Prepare(ClusterWriter writer, DateTimeOffset now)
    {
        var nodes = SyntheticLoad.Nodes(count: 1000, gpusPerNode: 8);
        writer.Write(SyntheticLoad.Setup(nodes, now));
        return new LifecycleWorkload(new SyntheticLoad(nodes, [], new JobId(1), () => 1));
    }

    public string Describe() => "one step = submit + Pending->Running + reserve 1 GPU, and release + Running->Succeeded of the oldest job once 8,000 GPUs are held";

    public IReadOnlyList<ClusterChange> Next(DateTimeOffset now) => load.Next(now).Changes;
}
