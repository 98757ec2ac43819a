using Dashboard.Data.Nodes;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Admin;

/// <summary>
/// What the admin pages ask the engine to do: set a team's quota, change a node's state, as the signed-in user. A thin
/// seam over the one door, <see cref="ClusterCommands"/> (admins only; the engine validates, audits and applies through
/// its single writer), so component tests can assert on exactly what a page sent.
/// </summary>
public interface IClusterAdminCommands
{
    Task<CommandResult> SetQuotaAsync(TeamQuota quota, ICurrentUser user);

    Task<CommandResult> SetNodeStateAsync(string node, NodeState state, string? reason, ICurrentUser user);
}

public sealed class EngineAdminCommands(ClusterCommands door) : IClusterAdminCommands
{
    public Task<CommandResult> SetQuotaAsync(TeamQuota quota, ICurrentUser user) => door.SendAsync(user, new SetQuota(quota));

    public Task<CommandResult> SetNodeStateAsync(string node, NodeState state, string? reason, ICurrentUser user) =>
        door.SendAsync(user, new SetNodeState(node, state, reason));
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
