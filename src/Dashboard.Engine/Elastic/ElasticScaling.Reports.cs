using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Elastic;

/// <summary>What the providers report back, applied inside the loop: nodes delivered, attempts and calls failed, nodes handed back.</summary>
public sealed partial class ElasticScaling
{
    private CommandResult Provisioned(ClusterState cluster, NodesProvisionedCommand command, EngineBatch batch)
    {
        var placeholders = command.Requested.Where(n => cluster.FindNode(n) is { State: NodeState.Provisioning } node && node.Pool == command.Pool).ToHashSet(StringComparer.Ordinal);
        var taken = command.Nodes.Where(n => !placeholders.Contains(n.Name) && cluster.FindNode(n.Name) is not null).Select(n => n.Name).ToList();
        if (taken.Count > 0)
        {
            // Registering these would replace nodes the cluster already has: nothing of the answer is registered.
            return ProvisioningFailed(cluster, new ProvisioningFailedCommand(command.Pool, command.Requested, 1, $"the provider named nodes that already exist ({string.Join(", ", taken)}); no node was registered"), batch);
        }

        var notes = cluster.Elastic.NodeNotes.ToBuilder();
        var returned = command.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in placeholders.Where(p => !returned.Contains(p)).Order(StringComparer.Ordinal))
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"the provider returned {command.Nodes.Length} of the {command.Requested.Length} nodes asked for");
            cluster.SetElasticNodeState(missing, NodeState.Failed, reason, batch);
            notes[missing] = reason;
        }

        foreach (var failed in cluster.Snapshot.Nodes.Where(n => n.Pool == command.Pool && n.State == NodeState.Failed && !placeholders.Contains(n.Name)).Select(n => n.Name).ToList())
        {
            cluster.RemoveElasticNode(failed, "cleared: the pool's provider has since succeeded", batch);
            notes.Remove(failed);
        }

        var ready = $"provisioned by pool {command.Pool}";
        foreach (var node in command.Nodes)
        {
            cluster.PutElasticNode(node with { Pool = command.Pool, State = NodeState.Ready }, ready, batch);
            notes.Remove(node.Name);
        }

        var note = string.Create(CultureInfo.InvariantCulture, $"{command.Nodes.Length} {(command.Nodes.Length == 1 ? "node" : "nodes")} ready: {string.Join(", ", command.Nodes.Select(n => n.Name))}");
        cluster.Elastic = cluster.Elastic with
        {
            NodeNotes = notes.ToImmutable(),
            PoolNotes = cluster.Elastic.PoolNotes.SetItem(command.Pool, note),
            LastErrors = cluster.Elastic.LastErrors.Remove(command.Pool),
            Failures = cluster.Elastic.Failures.Remove(command.Pool),
            History = cluster.Elastic.History with { RetryNotBefore = cluster.Elastic.History.RetryNotBefore.Remove(command.Pool) },
        };
        Record(cluster, batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.Provisioned, System, [.. command.Nodes.Select(n => n.Name)], note), new { command.Requested }, new { Nodes = command.Nodes.Select(n => n.Name) });
        batch.StatusChanged = true;
        return CommandResult.Done(note);
    }

    private static CommandResult AttemptFailed(ClusterState cluster, ProvisioningAttemptFailedCommand command, EngineBatch batch)
    {
        var reason = string.Create(CultureInfo.InvariantCulture, $"attempt {command.Attempt} of {command.Attempts} failed: {command.Message}; trying again at {command.NextAttemptAt.UtcDateTime:HH:mm:ss} UTC");
        var notes = cluster.Elastic.NodeNotes.ToBuilder();
        foreach (var name in Placeholders(cluster, command.Pool, command.Requested))
        {
            cluster.SetElasticNodeState(name, NodeState.Provisioning, reason, batch);
            notes[name] = reason;
        }

        cluster.Elastic = cluster.Elastic with { NodeNotes = notes.ToImmutable(), LastErrors = cluster.Elastic.LastErrors.SetItem(command.Pool, command.Message) };
        Record(cluster, batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.ProvisionAttemptFailed, System, command.Requested, command.Message, command.NextAttemptAt), null, new { command.Requested, command.Attempt, command.Attempts, Error = command.Message });
        batch.StatusChanged = true;
        return CommandResult.Done(reason);
    }

    private CommandResult ProvisioningFailed(ClusterState cluster, ProvisioningFailedCommand command, EngineBatch batch)
    {
        var failures = cluster.Elastic.Failures.GetValueOrDefault(command.Pool) + 1;
        var backoff = byName[command.Pool].FailureBackoff * (1 << Math.Min(failures - 1, MaxFailureDoublings));
        var retryAt = batch.Now + backoff;
        var reason = string.Create(CultureInfo.InvariantCulture, $"provisioning failed after {command.Attempts} {(command.Attempts == 1 ? "attempt" : "attempts")}: {command.Message}");
        var notes = cluster.Elastic.NodeNotes.ToBuilder();
        foreach (var name in Placeholders(cluster, command.Pool, command.Requested))
        {
            cluster.SetElasticNodeState(name, NodeState.Failed, reason, batch);
            notes[name] = reason;
        }

        cluster.Elastic = cluster.Elastic with
        {
            NodeNotes = notes.ToImmutable(),
            Failures = cluster.Elastic.Failures.SetItem(command.Pool, failures),
            LastErrors = cluster.Elastic.LastErrors.SetItem(command.Pool, command.Message),
            PoolNotes = cluster.Elastic.PoolNotes.SetItem(command.Pool, reason),
            History = cluster.Elastic.History with { RetryNotBefore = cluster.Elastic.History.RetryNotBefore.SetItem(command.Pool, retryAt) },
        };
        Record(cluster, batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.ProvisionFailed, System, command.Requested, command.Message, retryAt), null, new { command.Requested, command.Attempts, Error = command.Message, RetryNotBefore = retryAt });
        batch.StatusChanged = true;
        return CommandResult.Done(reason);
    }

    private static CommandResult HandedBack(ClusterState cluster, NodeHandedBackCommand command, EngineBatch batch)
    {
        if (cluster.FindNode(command.Node) is not { State: NodeState.Releasing } node || node.Pool != command.Pool)
        {
            return CommandResult.Conflict($"{command.Node} is not being handed back");
        }

        cluster.RemoveElasticNode(command.Node, $"handed back to pool {command.Pool}", batch);
        cluster.Elastic = cluster.Elastic with
        {
            NodeNotes = cluster.Elastic.NodeNotes.Remove(command.Node),
            PoolNotes = cluster.Elastic.PoolNotes.SetItem(command.Pool, $"handed back {command.Node}"),
        };
        Record(cluster, batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.Released, System, [command.Node], $"handed back to pool {command.Pool}"), null, new { command.Node });
        batch.StatusChanged = true;
        return CommandResult.Done();
    }

    private static CommandResult ReleaseFailed(ClusterState cluster, ReleaseFailedCommand command, EngineBatch batch)
    {
        if (cluster.FindNode(command.Node) is not { State: NodeState.Releasing })
        {
            return CommandResult.Conflict($"{command.Node} is not being handed back");
        }

        // The machine is still there: it stays in service, and once idle for the cool-down again it is handed back again.
        var reason = string.Create(CultureInfo.InvariantCulture, $"handing back failed after {command.Attempts} attempts: {command.Message}; the node stays in service");
        cluster.SetElasticNodeState(command.Node, NodeState.Ready, reason, batch);
        cluster.Elastic = cluster.Elastic with { NodeNotes = cluster.Elastic.NodeNotes.SetItem(command.Node, reason), LastErrors = cluster.Elastic.LastErrors.SetItem(command.Pool, command.Message) };
        Record(cluster, batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.ReleaseFailed, System, [command.Node], command.Message), null, new { command.Node, Error = command.Message });
        batch.StatusChanged = true;
        return CommandResult.Done(reason);
    }

    private static List<string> Placeholders(ClusterState cluster, string pool, ImmutableArray<string> requested) =>
        requested.Where(n => cluster.FindNode(n) is { State: NodeState.Provisioning } node && node.Pool == pool).ToList();
}
