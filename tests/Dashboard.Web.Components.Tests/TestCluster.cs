using System.Collections.Immutable;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Components.Tests;

/// <summary>Builds the <see cref="ClusterUpdate"/> the engine would publish, in a line or two per test.</summary>
internal sealed class TestCluster
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 14, 0, 0, TimeSpan.Zero);

    private readonly List<Node> nodes = [];
    private readonly List<RunningJob> running = [];
    private readonly List<TeamQuota> quotas = [];
    private readonly List<Job> pending = [];
    private readonly Dictionary<JobId, PendingExplanation> explanations = [];
    private long nextJob = 1;

    public TestCluster Node(string name, int gpus = 8, NodeState state = NodeState.Ready, bool simulated = false, long cores = 64, long memoryGiB = 512)
    {
        var devices = Enumerable.Range(0, gpus).Select(i => new Gpu(i, "A100-80GB", 81_920)).ToImmutableArray();
        nodes.Add(new Node(name, devices, cores * 1000, memoryGiB * 1024, state, simulated));
        return this;
    }

    public TestCluster Nodes(int count, int gpus = 8)
    {
        for (var i = 1; i <= count; i++)
        {
            Node($"node-{i:D4}", gpus);
        }

        return this;
    }

    public TestCluster Team(string team, int nominalGpus = 8, int borrowGpus = 8, long nominalCores = 64, long nominalMemoryGiB = 512)
    {
        quotas.Add(new TeamQuota(team, new ResourceAmount(nominalGpus, nominalCores * 1000, nominalMemoryGiB * 1024), new ResourceAmount(borrowGpus, 64_000, 512 * 1024)));
        return this;
    }

    public TestCluster Run(string node, int[] gpus, string team, string owner = "alice", long cores = 4, long memoryGiB = 16, TimeSpan? walltime = null, string name = "train", bool borrowing = false, string? session = null)
    {
        var id = new JobId(nextJob++);
        var spec = new JobSpec(name, owner, team, "python train.py", new ResourceRequest(gpus.Length, cores * 1000, memoryGiB * 1024), Walltime: walltime, Session: session is null ? null : new SessionRequest(session));
        var start = Now.AddMinutes(-30);
        var allocation = new GpuAllocation(id, node, [.. gpus], cores * 1000, memoryGiB * 1024, start, walltime is { } w ? start + w : null);
        running.Add(new RunningJob(new Job(id, spec, start.AddMinutes(-1)), allocation, borrowing));
        return this;
    }

    public TestCluster Pending(string team)
    {
        var id = new JobId(nextJob++);
        pending.Add(new Job(id, new JobSpec("waiting", "bob", team, "sleep 1", new ResourceRequest(1, 1000, 1024)), Now));
        return this;
    }

    /// <summary>A waiting job the plan estimates to start at <paramref name="estimatedStart"/>, on <paramref name="node"/> when given.</summary>
    public TestCluster Waiting(string team, int gpus, DateTimeOffset estimatedStart, string? node = null, string owner = "bob", TimeSpan? walltime = null, string name = "waiting")
    {
        var id = new JobId(nextJob++);
        var request = new ResourceRequest(gpus, 1000, 1024);
        pending.Add(new Job(id, new JobSpec(name, owner, team, "sleep 1", request, Walltime: walltime), Now));
        var reservation = node is null ? null : new BackfillReservation(id, node, estimatedStart, new ResourceAmount(gpus, 1000, 1024), Team: team);
        explanations[id] = new PendingExplanation(id, estimatedStart, new PendingReason(PendingCause.WaitingForCapacity, request, 0, ResourceAmount.Zero, ResourceAmount.Zero), reservation);
        return this;
    }

    public ClusterUpdate Update(long version = 1)
    {
        var snapshot = new ClusterSnapshot([.. nodes], [.. quotas], PendingQueue.From(pending), [.. running], [], SchedulerSettings.Default);
        return new ClusterUpdate(version, Now, snapshot, ClusterSummary.Of(snapshot), explanations.ToImmutableDictionary(), []);
    }
}
