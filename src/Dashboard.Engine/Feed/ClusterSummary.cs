using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Feed;

/// <summary>One node's capacity and what is allocated on it.</summary>
public sealed record NodeSummary(
    string Name,
    NodeState State,
    bool Simulated,
    int GpusTotal,
    int GpusUsed,
    long CpuMillicoresTotal,
    long CpuMillicoresUsed,
    long MemoryMiBTotal,
    long MemoryMiBUsed);

/// <summary>The cluster's totals (Ready and Draining nodes count as capacity; Down nodes and elastic nodes not in service do not) and each node's.</summary>
public sealed record ClusterSummary(
    int GpusTotal,
    int GpusUsed,
    long CpuMillicoresTotal,
    long CpuMillicoresUsed,
    long MemoryMiBTotal,
    long MemoryMiBUsed,
    int PendingJobs,
    int RunningJobs,
    ImmutableArray<NodeSummary> Nodes)
{
    public int GpusFree => GpusTotal - GpusUsed;

    /// <summary>
    /// The summary of <paramref name="snapshot"/>, reusing <paramref name="previous"/> (the summary of
    /// <paramref name="previousSnapshot"/>) when the nodes and running jobs are the very same (a batch of submits or
    /// cancels of waiting jobs changes only the queue): then only the queue's length is new.
    /// </summary>
    public static ClusterSummary Of(ClusterSnapshot snapshot, ClusterSnapshot? previousSnapshot, ClusterSummary? previous)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return previous is not null && previousSnapshot is not null
            && snapshot.Nodes == previousSnapshot.Nodes && snapshot.Running == previousSnapshot.Running
            ? previous with { PendingJobs = snapshot.Pending.Count }
            : Of(snapshot);
    }

    public static ClusterSummary Of(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var usedByNode = new Dictionary<string, ResourceAmount>(StringComparer.Ordinal);
        foreach (var running in snapshot.Running)
        {
            usedByNode[running.Allocation.Node] = usedByNode.GetValueOrDefault(running.Allocation.Node) + running.Allocation.Amount;
        }

        var nodes = snapshot.Nodes
            .Select(n =>
            {
                var used = usedByNode.GetValueOrDefault(n.Name);
                return new NodeSummary(n.Name, n.State, n.Simulated, n.Gpus.Length, used.Gpus, n.CpuMillicores, used.CpuMillicores, n.MemoryMiB, used.MemoryMiB);
            })
            .ToImmutableArray();
        var counted = nodes.Where(n => n.State is NodeState.Ready or NodeState.Draining).ToList();
        return new ClusterSummary(
            counted.Sum(n => n.GpusTotal),
            counted.Sum(n => n.GpusUsed),
            counted.Sum(n => n.CpuMillicoresTotal),
            counted.Sum(n => n.CpuMillicoresUsed),
            counted.Sum(n => n.MemoryMiBTotal),
            counted.Sum(n => n.MemoryMiBUsed),
            snapshot.Pending.Count,
            snapshot.Running.Length,
            nodes);
    }
}
