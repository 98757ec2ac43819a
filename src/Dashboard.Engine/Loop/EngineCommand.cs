using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>The answer to a command: accepted (with the job's id for a submit), or refused with a reason or field errors.</summary>
public sealed record CommandResult(bool Succeeded, JobId? Job, string? Reason, IReadOnlyList<FieldError> Errors)
{
    public static CommandResult Accepted(JobId job) => new(true, job, null, []);

    public static CommandResult Done(string? note = null) => new(true, null, note, []);

    public static CommandResult Refused(string reason) => new(false, null, reason, []);

    public static CommandResult Invalid(IReadOnlyList<FieldError> errors) =>
        new(false, null, errors.Count == 1 ? errors[0].Message : "the request has invalid fields", errors);
}

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
