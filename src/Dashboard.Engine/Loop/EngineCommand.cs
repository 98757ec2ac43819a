using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>Something the engine loop is asked to do; <see cref="Completion"/> is answered after the batch committed.</summary>
internal abstract record EngineCommand
{
    public TaskCompletionSource<CommandResult>? Completion { get; init; }
}

internal sealed record SubmitJobCommand(JobSpec Spec, string Actor) : EngineCommand;

internal sealed record CancelJobCommand(JobId Job, string Actor) : EngineCommand;

/// <summary>A job's workload ended. <see cref="Attempt"/> counts commits that failed with it in the batch.</summary>
internal sealed record JobExitedCommand(JobExit Exit, int Attempt = 0) : EngineCommand;

internal sealed record SetQuotaCommand(TeamQuota Quota, string Actor) : EngineCommand;

internal sealed record SetNodeStateCommand(string Node, NodeState State, string? Reason, string Actor) : EngineCommand;

/// <summary>
/// A node as discovered. <see cref="AtStartUp"/>: a stored node that was Down comes back Ready (it was found);
/// later refreshes keep the node's state (an admin's Down stays Down). A drain always stays.
/// </summary>
internal sealed record InventoryChangedCommand(Node Node, bool AtStartUp = false) : EngineCommand;

internal sealed record TickCommand : EngineCommand;

/// <summary>Give a running job <paramref name="By"/> more walltime, when no promised start is broken (<see cref="ClusterState.ExtendWalltime"/>).</summary>
internal sealed record ExtendWalltimeCommand(JobId Job, TimeSpan By, string Actor) : EngineCommand;
