using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>
/// Every way a command can end, closed: the web maps each to an HTTP status in one place (<c>CommandProblems</c>) and to
/// the person's notice in one place (<c>CommandNotices</c>), so no caller reads meaning out of a reason's text.
/// </summary>
public enum CommandOutcome
{
    /// <summary>Done: the change is committed (for a submit, <see cref="CommandResult.Job"/> is the new job).</summary>
    Accepted,

    /// <summary>Done, but not yet finished: a running job was asked to stop; its resources are released when it has ended.</summary>
    Stopping,

    /// <summary>Refused: the request has invalid fields (<see cref="CommandResult.Errors"/>); nothing changed.</summary>
    Invalid,

    /// <summary>Refused: the person may not do this; nothing changed.</summary>
    Forbidden,

    /// <summary>Refused: the job can never run on this cluster as asked (<see cref="CommandResult.Reason"/> says why).</summary>
    NeverFits,

    /// <summary>Refused: what the command names does not exist.</summary>
    NotFound,

    /// <summary>Refused: not possible in the current state (a job that has ended, a node its elastic pool controls).</summary>
    Conflict,

    /// <summary>Not done: the engine could not commit (it is stopping, or the database failed); nothing changed.</summary>
    Unavailable,
}

/// <summary>The answer to a command: its <see cref="Outcome"/>, the new job for a submit, a reason or note in words, and field errors.</summary>
public sealed record CommandResult(CommandOutcome Outcome, JobId? Job, string? Reason, IReadOnlyList<FieldError> Errors)
{
    /// <summary>True when the command took effect (<see cref="CommandOutcome.Accepted"/> or <see cref="CommandOutcome.Stopping"/>).</summary>
    public bool Succeeded => Outcome is CommandOutcome.Accepted or CommandOutcome.Stopping;

    /// <summary>The advance reservation a booking or edit made or changed; null for every other command.</summary>
    public long? Reservation { get; init; }

    public static CommandResult Accepted(JobId job) => new(CommandOutcome.Accepted, job, null, []);

    /// <summary>Accepted, with an optional note for the person ("gpu-01 is already Drain").</summary>
    public static CommandResult Done(string? note = null) => new(CommandOutcome.Accepted, null, note, []);

    public static CommandResult Stopping() => new(CommandOutcome.Stopping, null, "stopping", []);

    public static CommandResult Invalid(IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return new(CommandOutcome.Invalid, null, errors.Count == 1 ? errors[0].Message : "the request has invalid fields", errors);
    }

    /// <summary>Forbidden, with the field the person cannot use when there is one (a team they are not a member of).</summary>
    public static CommandResult Forbidden(string reason, IReadOnlyList<FieldError>? errors = null) => new(CommandOutcome.Forbidden, null, reason, errors ?? []);

    public static CommandResult NeverFits(string reason) => new(CommandOutcome.NeverFits, null, reason, []);

    public static CommandResult NotFound(string reason) => new(CommandOutcome.NotFound, null, reason, []);

    public static CommandResult Conflict(string reason) => new(CommandOutcome.Conflict, null, reason, []);

    public static CommandResult Unavailable(string reason) => new(CommandOutcome.Unavailable, null, reason, []);
}
