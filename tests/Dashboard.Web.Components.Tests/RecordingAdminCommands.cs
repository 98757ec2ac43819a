using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Admin;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Components.Tests;

/// <summary>Stands in for the engine behind the admin pages: records every command a page sent and answers as told.</summary>
internal sealed class RecordingAdminCommands : IClusterAdminCommands, INodeStateReasons
{
    public List<(TeamQuota Quota, string Actor)> QuotasSent { get; } = [];

    public List<(string Node, NodeState State, string? Reason, string Actor)> NodeChangesSent { get; } = [];

    /// <summary>What every command is answered with (accepted unless a test says otherwise).</summary>
    public CommandResult Answer { get; set; } = CommandResult.Done();

    /// <summary>When set, every command fails with this instead of answering.</summary>
    public Exception? Failure { get; set; }

    public Dictionary<string, string> StoredReasons { get; } = new(StringComparer.Ordinal);

    public Task<CommandResult> SetQuotaAsync(TeamQuota quota, ICurrentUser user)
    {
        QuotasSent.Add((quota, user.Name));
        return Failure is { } failure ? Task.FromException<CommandResult>(failure) : Task.FromResult(Answer);
    }

    public Task<CommandResult> SetNodeStateAsync(string node, NodeState state, string? reason, ICurrentUser user)
    {
        NodeChangesSent.Add((node, state, reason, user.Name));
        return Failure is { } failure ? Task.FromException<CommandResult>(failure) : Task.FromResult(Answer);
    }

    public IReadOnlyDictionary<string, string> Current() => StoredReasons;
}
