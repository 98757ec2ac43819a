using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Elastic;

/// <summary>What every node of an elastic pool has: GPUs of one model, CPU and memory.</summary>
public sealed record ElasticNodeShape(int Gpus, string GpuModel, long GpuMemoryMiB, long CpuMillicores, long MemoryMiB)
{
    /// <summary>Whether one empty node of this shape holds <paramref name="request"/> (the asked GPU model included).</summary>
    public bool Holds(ResourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var modelMatches = request.Gpus == 0 || request.GpuModel is null || GpuModels.Match(GpuModel, request.GpuModel);
        return modelMatches && request.Gpus <= Gpus && request.CpuMillicores <= CpuMillicores && request.MemoryMiB <= MemoryMiB;
    }

    public ResourceAmount Capacity => new(Gpus, CpuMillicores, MemoryMiB);

    /// <summary>"8-GPU" or, for a pool without GPUs, "64-core".</summary>
    public string Size => Gpus > 0
        ? string.Create(CultureInfo.InvariantCulture, $"{Gpus}-GPU")
        : $"{Units.Cores(CpuMillicores)}-core";

    /// <summary>A node of this shape; its GPUs are numbered from 0.</summary>
    public Node ToNode(string name, NodeState state, bool simulated, string pool) => new(
        name,
        [.. Enumerable.Range(0, Gpus).Select(i => new Gpu(i, GpuModel, GpuMemoryMiB))],
        CpuMillicores,
        MemoryMiB,
        state,
        simulated,
        pool);
}

/// <summary>
/// A group of nodes the cluster grows and shrinks on demand, through a provider. <see cref="ScaleUpDelay"/>: unmet
/// demand must persist this long before nodes are asked for; <see cref="ScaleDownCooldown"/>: a node idle this long is
/// handed back; <see cref="ExpectedProvisioningTime"/>: how long a new node usually takes (for estimated starts).
/// A paused pool neither grows nor shrinks.
/// </summary>
public sealed record ElasticPool(
    string Name,
    ElasticNodeShape Shape,
    int MinNodes,
    int MaxNodes,
    TimeSpan ScaleUpDelay,
    TimeSpan ScaleDownCooldown,
    TimeSpan ExpectedProvisioningTime,
    bool Paused = false)
{
    /// <summary>The node the never-fits check counts for this pool (see <see cref="ClusterSnapshot.ElasticNodeShapes"/>).</summary>
    public Node PotentialNode => Shape.ToNode($"{Name} (elastic pool)", NodeState.Provisioning, simulated: false, Name);

    /// <summary>The potential nodes of every pool that may have nodes at all.</summary>
    public static ImmutableArray<Node> PotentialNodes(IEnumerable<ElasticPool> pools) =>
        [.. pools.Where(p => p.MaxNodes > 0).Select(p => p.PotentialNode)];
}
