using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>Where the executor reads and sets its node's state (the engine; a fake in tests).</summary>
public interface ILocalNodeState
{
    /// <summary>The node's state as last published, or null when it is not known (yet).</summary>
    NodeState? StateOf(string node);

    /// <summary>Sets the node's state with the reason (audited, shown on the node); whether the engine took it.</summary>
    Task<bool> SetAsync(string node, NodeState state, string reason, CancellationToken cancellationToken);
}

/// <summary>The engine's node states: read from its feed, set through its one writer like an admin's drain (actor "system").</summary>
public sealed class EngineNodeState(ClusterEngine engine) : ILocalNodeState
{
    public const string Actor = "system";

    public NodeState? StateOf(string node) => engine.Feed.Current?.Snapshot.Nodes.FirstOrDefault(n => n.Name == node)?.State;

    public async Task<bool> SetAsync(string node, NodeState state, string reason, CancellationToken cancellationToken) =>
        (await engine.SetNodeStateAsync(node, state, reason, Actor).WaitAsync(cancellationToken).ConfigureAwait(false)).Succeeded;
}
