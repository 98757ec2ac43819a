using Dashboard.Data.Nodes;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>Where the executor reads and sets its node's state (the engine; a fake in tests).</summary>
public interface ILocalNodeState
{
    /// <summary>The node's state as last published, or null when it is not known (yet).</summary>
    NodeState? StateOf(string node);

    /// <summary>The reason given with the node's last state change (who drained it, and why); null when none or not known.</summary>
    string? ReasonOf(string node);

    /// <summary>Sets the node's state with the reason (audited, shown on the node); whether the engine took it.</summary>
    Task<bool> SetAsync(string node, NodeState state, string reason, CancellationToken cancellationToken);
}

/// <summary>
/// The engine's node states: read from its feed, set through its one writer like an admin's drain (actor "system");
/// the reasons from the nodes table, which the writer saves before the change is published.
/// </summary>
public sealed class EngineNodeState(ClusterEngine engine, NodeStore nodes) : ILocalNodeState
{
    public const string Actor = "system";

    public NodeState? StateOf(string node) => engine.Feed.Current?.Snapshot.Nodes.FirstOrDefault(n => n.Name == node)?.State;

    public string? ReasonOf(string node) => nodes.Find(node)?.StateReason;

    public async Task<bool> SetAsync(string node, NodeState state, string reason, CancellationToken cancellationToken) =>
        (await engine.SetNodeStateAsync(node, state, reason, Actor).WaitAsync(cancellationToken).ConfigureAwait(false)).Succeeded;
}
