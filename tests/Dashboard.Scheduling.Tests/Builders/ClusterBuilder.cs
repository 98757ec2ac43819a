using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Builders;

/// <summary>
/// Builds a <see cref="ClusterSnapshot"/> in a few lines:
/// <c>Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Pending(1, "a", gpus: 4).Build()</c>.
/// Unless a test says otherwise, quotas are generous in CPU and memory, jobs ask for 1 core and 1 GiB,
/// job N was submitted N seconds after <see cref="Time.Epoch"/> and running jobs started at <see cref="Time.Epoch"/>.
/// </summary>
internal sealed class ClusterBuilder
{
    public const string DefaultModel = "H100";
    public const double GenerousCpuCores = 100_000;
    public const int GenerousMemoryGiB = 1_000_000;

    private readonly List<Node> nodes = [];
    private readonly List<TeamQuota> quotas = [];
    private readonly List<Job> pending = [];
    private readonly List<RunningJob> running = [];
    private readonly List<TeamUsage> usage = [];
    // The scenarios built here were written for aging of 1 place per hour and a 4-hour starvation bound; they pin those so
    // that a change of the product's defaults does not change what they test (tests that vary them say so explicitly).
    private SchedulerSettings settings = SchedulerSettings.Default with { AgeWeight = 1.0, StarvationAfter = TimeSpan.FromHours(4) };

    public static ClusterBuilder Cluster() => new();

    public ClusterBuilder Node(
        string name,
        int gpus = 0,
        double cpuCores = 64,
        int memoryGiB = 512,
        string model = DefaultModel,
        NodeState state = NodeState.Ready,
        string? note = null)
    {
        var gpuList = Enumerable.Range(0, gpus).Select(i => new Gpu(i, model, 80 * 1024)).ToImmutableArray();
        nodes.Add(new Node(name, gpuList, Cpu(cpuCores), memoryGiB * Units.MiBPerGiB, state, Note: note));
        return this;
    }

    /// <summary>A node whose GPUs are of the given models, index by index.</summary>
    public ClusterBuilder MixedNode(string name, string[] models, double cpuCores = 64, int memoryGiB = 512)
    {
        var gpuList = models.Select((m, i) => new Gpu(i, m, 80 * 1024)).ToImmutableArray();
        nodes.Add(new Node(name, gpuList, Cpu(cpuCores), memoryGiB * Units.MiBPerGiB));
        return this;
    }

    public ClusterBuilder Team(
        string name,
        int nominalGpus,
        int borrowGpus = 0,
        double nominalCpuCores = GenerousCpuCores,
        int nominalMemoryGiB = GenerousMemoryGiB,
        double borrowCpuCores = 0,
        int borrowMemoryGiB = 0,
        double weight = 1.0,
        int maxPriority = TeamQuota.DefaultMaxPriority)
    {
        quotas.Add(new TeamQuota(
            name,
            new ResourceAmount(nominalGpus, Cpu(nominalCpuCores), nominalMemoryGiB * Units.MiBPerGiB),
            new ResourceAmount(borrowGpus, Cpu(borrowCpuCores), borrowMemoryGiB * Units.MiBPerGiB),
            weight,
            maxPriority));
        return this;
    }

    /// <summary>The team's decayed past use, as of <paramref name="asOf"/> (default: <see cref="Time.Now"/>).</summary>
    public ClusterBuilder Usage(string team, double gpuSeconds, double cpuSeconds = 0, DateTimeOffset? asOf = null)
    {
        usage.Add(new TeamUsage(team, gpuSeconds, cpuSeconds, asOf ?? Time.Now));
        return this;
    }

    public ClusterBuilder Pending(
        long id,
        string team,
        int gpus = 1,
        double cpuCores = 1,
        int memoryGiB = 1,
        TimeSpan? walltime = null,
        int priority = 0,
        DateTimeOffset? submittedAt = null,
        string? model = null)
    {
        pending.Add(Jobs.Job(id, team, gpus, cpuCores, memoryGiB, walltime, priority, submittedAt, model));
        return this;
    }

    /// <summary>
    /// A job already holding <paramref name="gpuIndices"/> on <paramref name="node"/>. It ends at <paramref name="endsAt"/>
    /// (null: it has no walltime and never frees its resources as far as the scheduler knows).
    /// </summary>
    public ClusterBuilder Running(
        long id,
        string team,
        string node,
        int[] gpuIndices,
        double cpuCores = 1,
        int memoryGiB = 1,
        DateTimeOffset? startedAt = null,
        DateTimeOffset? endsAt = null,
        bool borrowing = false,
        int priority = 0)
    {
        var start = startedAt ?? Time.Epoch;
        TimeSpan? walltime = endsAt is { } end ? end - start : null;
        var job = Jobs.Job(id, team, gpuIndices.Length, cpuCores, memoryGiB, walltime, priority, submittedAt: start.AddSeconds(-1));
        var allocation = new GpuAllocation(job.Id, node, [.. gpuIndices], Cpu(cpuCores), memoryGiB * Units.MiBPerGiB, start, endsAt);
        running.Add(new RunningJob(job, allocation, borrowing));
        return this;
    }

    public ClusterBuilder Settings(
        int? backfillDepth = null,
        bool? explainAllPending = null,
        TimeSpan? fairShareHalfLife = null,
        TimeSpan? minRunBeforePreemption = null,
        TimeSpan? maxPreemptionLoss = null,
        TimeSpan? starvationAfter = null,
        double? ageWeight = null,
        TimeSpan? drainAfter = null)
    {
        settings = settings with
        {
            FairShareHalfLife = fairShareHalfLife ?? settings.FairShareHalfLife,
            BackfillDepth = backfillDepth ?? settings.BackfillDepth,
            ExplainAllPending = explainAllPending ?? settings.ExplainAllPending,
            MinRunBeforePreemption = minRunBeforePreemption ?? settings.MinRunBeforePreemption,
            MaxPreemptionLoss = maxPreemptionLoss ?? settings.MaxPreemptionLoss,
            StarvationAfter = starvationAfter ?? settings.StarvationAfter,
            AgeWeight = ageWeight ?? settings.AgeWeight,
            DrainAfter = drainAfter ?? settings.DrainAfter,
        };
        return this;
    }

    /// <summary>Any borrowing job may be preempted to reclaim quota (no minimum run time, no limit on the work lost).</summary>
    public ClusterBuilder ReclaimAnything() => Settings(minRunBeforePreemption: TimeSpan.Zero, maxPreemptionLoss: TimeSpan.MaxValue);

    /// <summary>No reservations: every job that fits starts.</summary>
    public ClusterBuilder Greedy() => Settings(backfillDepth: 0);

    public ClusterSnapshot Build() => new(
        [.. nodes.OrderBy(n => n.Name, StringComparer.Ordinal)],
        [.. quotas.OrderBy(q => q.Team, StringComparer.Ordinal)],
        PendingQueue.From(pending),
        [.. running],
        [.. usage.OrderBy(u => u.Team, StringComparer.Ordinal)],
        settings);

    public static long Cpu(double cores) => (long)Math.Round(cores * Units.MillicoresPerCore);
}
