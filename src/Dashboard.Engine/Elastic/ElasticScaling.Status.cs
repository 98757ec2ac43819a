using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Elastic;

/// <summary>What the feed shows of each pool: its nodes by state, what it is doing, its last error and recent actions.</summary>
public sealed partial class ElasticScaling
{
    /// <summary>The update with each pool's status.</summary>
    internal override ClusterUpdate Describe(ClusterUpdate update, ClusterState cluster, DateTimeOffset now) =>
        update with { ElasticPools = Status(cluster, now) };

    private ImmutableArray<ElasticPoolStatus> Status(ClusterState cluster, DateTimeOffset now)
    {
        if (!Any)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ElasticPoolStatus>(pools.Count);
        foreach (var pool in pools)
        {
            var nodes = cluster.Snapshot.Nodes.Where(n => n.Pool == pool.Name).ToList();
            int Count(NodeState state) => nodes.Count(n => n.State == state);
            var paused = cluster.Elastic.Paused.Contains(pool.Name);
            var provisioning = Count(NodeState.Provisioning);
            var releasing = Count(NodeState.Releasing);
            var activity = paused ? "scaling paused by an admin"
                : provisioning > 0 ? cluster.Elastic.PoolNotes.GetValueOrDefault(pool.Name)
                : releasing > 0 ? cluster.Elastic.PoolNotes.GetValueOrDefault(pool.Name)
                : cluster.Elastic.History.DemandSince.TryGetValue(pool.Name, out var since)
                    ? string.Create(CultureInfo.InvariantCulture, $"pending demand since {since.UtcDateTime:HH:mm:ss} UTC; scaling up once it has lasted {Span(pool.ScaleUpDelay)}")
                : cluster.Elastic.History.RetryNotBefore.TryGetValue(pool.Name, out var retry) && retry > now
                    ? string.Create(CultureInfo.InvariantCulture, $"the provider failed; next scale-up not before {retry.UtcDateTime:HH:mm:ss} UTC")
                : null;
            var notes = nodes.Where(n => n.State is NodeState.Provisioning or NodeState.Releasing or NodeState.Failed && cluster.Elastic.NodeNotes.ContainsKey(n.Name))
                .ToImmutableDictionary(n => n.Name, n => cluster.Elastic.NodeNotes[n.Name], StringComparer.Ordinal);
            var shape = pool.ToPool().Shape;
            result.Add(new ElasticPoolStatus(
                pool.Name,
                pool.IsSimulated ? ElasticPoolOptions.SimulatedProvider : ElasticPoolOptions.CommandProvider,
                $"{shape.Gpus} × {shape.GpuModel}, {pool.CpuCores} cores, {pool.MemoryGiB} GiB",
                pool.MinNodes,
                pool.MaxNodes,
                Count(NodeState.Ready) + Count(NodeState.Draining),
                provisioning,
                releasing,
                Count(NodeState.Failed),
                paused,
                activity,
                cluster.Elastic.LastErrors.GetValueOrDefault(pool.Name),
                notes)
            {
                RecentActions = [.. cluster.Elastic.Recent.GetValueOrDefault(pool.Name, []).Reverse()],
            });
        }

        return result.MoveToImmutable();
    }

    private static string Span(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");
}
