using System.Collections.Immutable;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>
/// A batch the engine loop has applied in memory and scheduled, on its way to disk: its commit, and what it publishes,
/// answers and hands to the executors once that commit has returned (all read from the state the batch left, so the
/// next batch may be applied meanwhile). <see cref="Restore"/> puts the state back as it was before the batch.
/// </summary>
internal sealed class PreparedBatch(
    List<EngineCommand> commands,
    EngineBatch batch,
    Action restore,
    (DateTimeOffset LastPlanned, DateTimeOffset LastFullExplanation, long Version) before)
{
    public List<EngineCommand> Commands { get; } = commands;

    public EngineBatch Batch { get; } = batch;

    public Action Restore { get; } = restore;

    /// <summary>The loop's own bookkeeping before the batch, put back with the state when its commit fails.</summary>
    public (DateTimeOffset LastPlanned, DateTimeOffset LastFullExplanation, long Version) Before { get; } = before;

    /// <summary>The batch's commit; set when it is started.</summary>
    public Task Commit { get; set; } = Task.CompletedTask;

    /// <summary>The state after the batch.</summary>
    public required ClusterSnapshot Snapshot { get; init; }

    public required ImmutableArray<ProvisioningWait> Provisioning { get; init; }

    /// <summary>What the batch publishes once committed; null when it changes nothing anyone sees.</summary>
    public required ClusterUpdate? Update { get; init; }

    /// <summary>The loop's publication version after the batch.</summary>
    public required long Version { get; init; }

    public required ImmutableArray<(JobLaunch Launch, IJobExecutor? Executor)> Launches { get; init; }

    public required ImmutableArray<(JobId Job, IJobExecutor Executor, bool Preempted)> Stops { get; init; }

    public required ImmutableArray<(JobId Job, TimeSpan Walltime, IJobExecutor? Executor)> Extensions { get; init; }
}
