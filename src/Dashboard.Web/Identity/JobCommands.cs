using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;

namespace Dashboard.Web.Identity;

/// <summary>
/// The one door through which a person's job commands reach the engine, whatever the path (form, grid, job page,
/// API): it checks who may do it (<see cref="Permissions"/>) before the engine sees the command, and records the
/// person as the actor. A member submits only to their own teams and as themselves, and cancels only their own
/// jobs; a team lead also their team's jobs; an admin every job.
/// </summary>
public sealed class JobCommands(ClusterEngine engine, JobStore jobs)
{
    public Task<CommandResult> SubmitAsync(ICurrentUser user, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.IsNullOrWhiteSpace(spec.Team) && !user.CanSubmitTo(spec.Team))
        {
            var teams = user.Teams.IsEmpty ? "you belong to no team yet; ask an admin" : $"you can submit to {string.Join(", ", user.Teams)}";
            var message = $"You are not a member of team {spec.Team}: {teams}.";
            return Task.FromResult(CommandResult.Forbidden(message, [new FieldError("team", message)]));
        }

        return EngineAnswer.Of(() => engine.SubmitAsync(spec with { Owner = user.Name }, user.Name));
    }

    public Task<CommandResult> CancelAsync(ICurrentUser user, JobId id)
    {
        ArgumentNullException.ThrowIfNull(user);
        var job = jobs.Find(id);
        if (job is null)
        {
            return Task.FromResult(CommandResult.NotFound($"Job {id} does not exist."));
        }

        var spec = job.Job.Spec;
        if (!user.CanActOnJob(spec.Owner, spec.Team))
        {
            return Task.FromResult(CommandResult.Forbidden($"Only its owner ({spec.Owner}), a lead of team {spec.Team} or an admin can cancel job {id}."));
        }

        return EngineAnswer.Of(() => engine.CancelAsync(id, user.Name));
    }
}
