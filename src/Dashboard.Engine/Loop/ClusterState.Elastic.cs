using System.Collections.Immutable;
using Dashboard.Data.Writing;
using Dashboard.Engine.Elastic;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Engine.Loop;

/// <summary>The changes elastic pools make to the cluster: their nodes come, change state and go.</summary>
internal sealed partial class ClusterState
{
    /// <summary>What the engine remembers about its elastic pools; saved and restored with the rest of the state.</summary>
    public ElasticState Elastic { get; set; } = ElasticState.Empty;

    /// <summary>The pools' node shapes count for the never-fits check (see <see cref="ClusterSnapshot.ElasticNodeShapes"/>).</summary>
    public void SetElasticNodeShapes(ImmutableArray<Node> shapes) => Snapshot = Snapshot with { ElasticNodeShapes = shapes };

    public Node? FindNode(string name) => Snapshot.Nodes.FirstOrDefault(n => n.Name == name);

    /// <summary>Adds (or replaces) an elastic pool's node, with the reason for its state.</summary>
    public void PutElasticNode(Node node, string reason, EngineBatch batch)
    {
        Snapshot = ClusterTransitions.UpsertNode(Snapshot, node);
        batch.Changes.Add(new NodeUpserted(node, batch.Now));
        batch.Changes.Add(new NodeStateChanged(node.Name, node.State, reason, batch.Now));
        batch.Events.Add(new NodeChangedEvent(node, reason, batch.Now));
        batch.NeedsPlan = true;
    }

    /// <summary>Sets an elastic node's state (or, in the same state, its reason).</summary>
    public void SetElasticNodeState(string name, NodeState state, string reason, EngineBatch batch)
    {
        var node = FindNode(name) ?? throw new InvalidOperationException($"There is no node named {name}.");
        Snapshot = ClusterTransitions.SetNodeState(Snapshot, name, state);
        batch.Changes.Add(new NodeStateChanged(name, state, reason, batch.Now));
        batch.Events.Add(new NodeChangedEvent(node with { State = state }, reason, batch.Now));
        batch.NeedsPlan = true;
    }

    /// <summary>An elastic node leaves the cluster (handed back, or a placeholder no longer needed). Never one a job runs on.</summary>
    public void RemoveElasticNode(string name, string reason, EngineBatch batch)
    {
        var node = FindNode(name) ?? throw new InvalidOperationException($"There is no node named {name}.");
        if (Snapshot.Running.Any(r => r.Allocation.Node == name))
        {
            throw new InvalidOperationException($"{name} still runs a job and cannot leave the cluster.");
        }

        Snapshot = Snapshot with { Nodes = Snapshot.Nodes.RemoveAll(n => n.Name == name) };
        batch.Changes.Add(new NodeReleased(name, reason, batch.Now));
        batch.Events.Add(new NodeChangedEvent(node with { State = NodeState.Down }, reason, batch.Now));
        batch.NeedsPlan = true;
    }

    /// <summary>
    /// The pending jobs that wait for a node being provisioned, as the elastic planner last decided: their
    /// explanations say so, with the node's expected time as their start (applied where explanations are computed).
    /// </summary>
    public ImmutableArray<ProvisioningWait> Provisioning { get; private set; } = [];

    /// <summary>Replaces the provisioning waits with the planner's latest decision (none: nothing is provisioned for anyone).</summary>
    public void ExplainProvisioning(ImmutableArray<ProvisioningWait> waits) => Provisioning = waits.IsDefault ? [] : waits;

    public static AuditAppended ElasticAudit(DateTimeOffset at, string actor, string action, string pool, object? before, object? after) =>
        Audit(at, actor, action, $"pool:{pool}", before, after);
}
