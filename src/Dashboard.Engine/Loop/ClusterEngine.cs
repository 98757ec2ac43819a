using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>
/// The engine's front door for forms, the REST API and tests: each call becomes a command for the single writer
/// and completes when its batch has been committed to the database (persist, then acknowledge).
/// </summary>
public sealed partial class ClusterEngine(EngineInbox inbox, ClusterFeed feed)
{
    public ClusterFeed Feed => feed;

    public Task<CommandResult> SubmitAsync(JobSpec spec, string actor) => Send(new SubmitJobCommand(spec, actor) { Completion = NewCompletion() });

    public Task<CommandResult> CancelAsync(JobId job, string actor) => Send(new CancelJobCommand(job, actor) { Completion = NewCompletion() });

    public Task<CommandResult> SetQuotaAsync(TeamQuota quota, string actor) => Send(new SetQuotaCommand(quota, actor) { Completion = NewCompletion() });

    public Task<CommandResult> SetNodeStateAsync(string node, NodeState state, string? reason, string actor) =>
        Send(new SetNodeStateCommand(node, state, reason, actor) { Completion = NewCompletion() });

    /// <summary>Pauses (or resumes) an elastic pool's scaling; audited as <paramref name="actor"/>'s.</summary>
    public Task<CommandResult> SetPoolPausedAsync(string pool, bool paused, string actor) =>
        Send(new Elastic.SetPoolPausedCommand(pool, paused, actor) { Completion = NewCompletion() });

    public Task<CommandResult> ReportInventoryAsync(Node node) => Send(new InventoryChangedCommand(node) { Completion = NewCompletion() });

    private static TaskCompletionSource<CommandResult> NewCompletion() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<CommandResult> Send(EngineCommand command)
    {
        await inbox.Post(command).ConfigureAwait(false);
        return await command.Completion!.Task.ConfigureAwait(false);
    }
}
