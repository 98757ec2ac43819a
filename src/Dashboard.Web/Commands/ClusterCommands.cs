using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>
/// The one door through which a person's commands reach the engine, whatever the path (form, grid, job page, admin
/// pages, API): it asks the command whether the current user may send it (<see cref="ClusterCommand.RefusalFor"/>)
/// before the engine sees it, records the person as the actor, and turns the engine's failure to commit into
/// <see cref="CommandOutcome.Unavailable"/>. A refused command changes nothing.
/// </summary>
public sealed class ClusterCommands(ClusterEngine engine, JobStore jobs)
{
    public Task<CommandResult> SendAsync(ICurrentUser user, ClusterCommand command)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(command);
        return command.RefusalFor(user, jobs) is { } refusal
            ? Task.FromResult(refusal)
            : EngineAnswer.Of(() => command.SendAsync(engine, user.Name, jobs));
    }

    public Task<CommandResult> SubmitAsync(ICurrentUser user, JobSpec spec) => SendAsync(user, new SubmitJob(spec));

    public Task<CommandResult> CancelAsync(ICurrentUser user, JobId id) => SendAsync(user, new CancelJob(id));
}
