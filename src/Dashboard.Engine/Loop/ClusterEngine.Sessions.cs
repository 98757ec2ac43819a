using Dashboard.Data.Sessions;
using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>Sessions through the engine's front door: extending a running job's walltime, and the idle policy's notices for the outbox.</summary>
public sealed partial class ClusterEngine
{
    /// <summary>Gives running job <paramref name="job"/> <paramref name="by"/> more walltime, re-checked like a submit; audited as <paramref name="actor"/>'s.</summary>
    public Task<CommandResult> ExtendWalltimeAsync(JobId job, TimeSpan by, string actor) =>
        Send(new ExtendWalltimeCommand(job, by, actor) { Completion = NewCompletion() });

    /// <summary>Puts the idle policy's notice to <paramref name="owner"/> in the notification outbox (<see cref="IdleNoticeParticipant"/>).</summary>
    public Task<CommandResult> NotifyIdleAsync(JobId job, string owner, JobNoticeKind kind, string message, DateTimeOffset at) =>
        Send(new IdleNoticeCommand(job, owner, kind, message, at) { Completion = NewCompletion() });
}
