using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Sessions;

/// <summary>
/// Start an interactive session: a job like any other (queued, quota, accounting), submitted by a member of its team
/// whose role and team the session type allows (<see cref="SessionTypeOptions.Roles"/>, <see cref="SessionTypeOptions.Teams"/>).
/// </summary>
public sealed record StartSession(JobSpec Spec, SessionTypeOptions Type) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Spec.Session?.Type != Type.Name)
        {
            return CommandResult.Invalid([new FieldError("type", $"This job is not a session of type {Type.Name}.")]);
        }

        if (Type.Roles.Count > 0 && !Type.Roles.Contains(user.Role.ToString(), StringComparer.OrdinalIgnoreCase))
        {
            return CommandResult.Forbidden($"Sessions of type {Type.Name} are for {string.Join(", ", Type.Roles)}; you are {user.Role}.", [new FieldError("type", "Not offered to your role.")]);
        }

        if (Type.Teams.Count > 0 && !Type.Teams.Contains(Spec.Team, StringComparer.Ordinal))
        {
            return CommandResult.Forbidden($"Sessions of type {Type.Name} are for teams {string.Join(", ", Type.Teams)}.", [new FieldError("team", "This session type is not offered to this team.")]);
        }

        return new SubmitJob(Spec with { Session = null }).RefusalFor(user, jobs);
    }

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.SubmitAsync(Spec with { Owner = actor }, actor);
    }
}
