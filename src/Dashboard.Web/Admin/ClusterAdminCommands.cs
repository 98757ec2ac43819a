using Dashboard.Data.Nodes;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;

namespace Dashboard.Web.Admin;

/// <summary>
/// What the admin pages ask the engine to do: set a team's quota, change a node's state. A thin seam over
/// <see cref="ClusterEngine"/> (which validates, audits and applies through its single writer) so component tests
/// can assert on exactly what a page sent.
/// </summary>
public interface IClusterAdminCommands
{
    Task<CommandResult> SetQuotaAsync(TeamQuota quota, string actor);

    Task<CommandResult> SetNodeStateAsync(string node, NodeState state, string? reason, string actor);
}

public sealed class EngineAdminCommands(ClusterEngine engine) : IClusterAdminCommands
{
    public Task<CommandResult> SetQuotaAsync(TeamQuota quota, string actor) => EngineAnswer.Of(() => engine.SetQuotaAsync(quota, actor));

    public Task<CommandResult> SetNodeStateAsync(string node, NodeState state, string? reason, string actor) =>
        EngineAnswer.Of(() => engine.SetNodeStateAsync(node, state, reason, actor));
}

/// <summary>
/// Why each node is in its state, as stored with it (the snapshot carries the state, not the reason). Pages read
/// this once and follow <c>NodeChangedEvent</c>s from the feed afterwards.
/// </summary>
public interface INodeStateReasons
{
    IReadOnlyDictionary<string, string> Current();
}

public sealed class StoredNodeStateReasons(NodeStore nodes) : INodeStateReasons
{
    public IReadOnlyDictionary<string, string> Current() =>
        nodes.All().Where(n => !string.IsNullOrEmpty(n.StateReason)).ToDictionary(n => n.Node.Name, n => n.StateReason!, StringComparer.Ordinal);
}
