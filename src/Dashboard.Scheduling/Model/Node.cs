using System.Collections.Immutable;

namespace Dashboard.Scheduling.Model;

/// <summary>One physical GPU on a node, known by its index on that node (the value CUDA_VISIBLE_DEVICES uses).</summary>
public sealed record Gpu(int Index, string Model, long MemoryMiB);

public enum NodeState
{
    /// <summary>Accepts new jobs.</summary>
    Ready,

    /// <summary>Running jobs finish; nothing new is placed.</summary>
    Draining,

    /// <summary>Unreachable or taken out; nothing is placed and it does not count as capacity.</summary>
    Down,

    /// <summary>An elastic pool's node its provider is creating: nothing is placed yet; it counts as capacity coming.</summary>
    Provisioning,

    /// <summary>An elastic pool's idle node being handed back to its provider; nothing is placed.</summary>
    Releasing,

    /// <summary>An elastic pool's node the provider could not create; its reason is the provider's message. Never a machine.</summary>
    Failed,
}

/// <summary>
/// A machine jobs run on. <see cref="Simulated"/> marks demo nodes whose jobs only pretend to run; <see cref="Pool"/>
/// names the elastic pool that created the node (null for a node that is always there); <see cref="Note"/> is what
/// the host says about it (how its jobs are isolated, or why it runs none), shown on its card and, for a node that
/// is Down, in the reason a job that could only run there is refused.
/// </summary>
public sealed record Node(
    string Name,
    ImmutableArray<Gpu> Gpus,
    long CpuMillicores,
    long MemoryMiB,
    NodeState State = NodeState.Ready,
    bool Simulated = false,
    string? Pool = null,
    string? Note = null)
{
    /// <summary>
    /// A Down node that is expected back: the service that manages it does not answer for now (a Slurm node while
    /// slurmctld is unreachable). Nothing is placed on it, but the never-fits check counts it, so a job only it could
    /// hold waits in the queue instead of being refused.
    /// </summary>
    public bool ExpectedBack { get; init; }

    /// <summary>The most GPUs one node may have: placement keeps each node's free GPUs in a 64-bit mask.</summary>
    public const int MaxGpusPerNode = 64;

    public ResourceAmount Capacity => new(Gpus.Length, CpuMillicores, MemoryMiB);

    /// <summary>Whether the node takes new jobs.</summary>
    public bool IsSchedulable => State == NodeState.Ready;

    public int CountGpus(string? model) =>
        model is null ? Gpus.Length : Gpus.Count(g => GpuModels.Match(g.Model, model));
}

/// <summary>The one rule for whether a GPU satisfies a requested model: case-insensitive equality.</summary>
public static class GpuModels
{
    public static bool Match(string gpuModel, string requestedModel) =>
        string.Equals(gpuModel, requestedModel, StringComparison.OrdinalIgnoreCase);
}
