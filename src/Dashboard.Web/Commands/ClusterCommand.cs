using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>
/// A person's command for the engine. Each kind says who may send it (<see cref="RefusalFor"/>, abstract: a new kind
/// cannot be written without its check) and how it reaches the engine; <see cref="ClusterCommands"/> is the one door
/// that asks the first before doing the second.
/// </summary>
public abstract record ClusterCommand
{
    /// <summary>Null when <paramref name="user"/> may send this command; otherwise the refusal (forbidden or not found).</summary>
    public abstract CommandResult? RefusalFor(ICurrentUser user, JobStore jobs);

    /// <summary>Sends the command to the engine as <paramref name="actor"/>'s (it validates, applies, audits and commits).</summary>
    public abstract Task<CommandResult> SendAsync(ClusterEngine engine, string actor);

    /// <summary>As <see cref="SendAsync(ClusterEngine, string)"/>, for a command that reads stored jobs on its way (the door calls this one).</summary>
    public virtual Task<CommandResult> SendAsync(ClusterEngine engine, string actor, JobStore jobs) => SendAsync(engine, actor);

    protected static CommandResult? AdminsOnly(ICurrentUser user, string what) =>
        user.IsAdmin() ? null : CommandResult.Forbidden($"only an admin may {what}");
}

/// <summary>Submit a job: a member submits only to their own teams, and always as themselves (the owner is the sender).</summary>
public sealed record SubmitJob(JobSpec Spec) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (Spec.Session is not null)
        {
            // A session's type decides who may start it: only StartSession (Sessions/) checks that.
            return CommandResult.Invalid([new FieldError("sessionType", "Sessions are started as sessions (New session, POST /api/v1/sessions), not submitted as jobs.")]);
        }

        if (string.IsNullOrWhiteSpace(Spec.Team) || user.CanSubmitTo(Spec.Team))
        {
            return null;
        }

        var teams = user.Teams.IsEmpty ? "you belong to no team yet; ask an admin" : $"you can submit to {string.Join(", ", user.Teams)}";
        var message = $"You are not a member of team {Spec.Team}: {teams}.";
        return CommandResult.Forbidden(message, [new FieldError("team", message)]);
    }

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.SubmitAsync(Spec with { Owner = actor }, actor);
    }
}

/// <summary>Cancel a job: its owner, a lead of its team, or an admin.</summary>
public sealed record CancelJob(JobId Job) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Find(Job) is not { } job)
        {
            return CommandResult.NotFound($"Job {Job} does not exist.");
        }

        var spec = job.Job.Spec;
        return user.CanActOnJob(spec.Owner, spec.Team)
            ? null
            : CommandResult.Forbidden($"Only its owner ({spec.Owner}), a lead of team {spec.Team} or an admin can cancel job {Job}.");
    }

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.CancelAsync(Job, actor);
    }
}

/// <summary>Set a team's quota: admins.</summary>
public sealed record SetQuota(TeamQuota Quota) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => AdminsOnly(user, "set a team's quota");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.SetQuotaAsync(Quota, actor);
    }
}

/// <summary>Drain, take down or bring back a node: admins.</summary>
public sealed record SetNodeState(string Node, NodeState State, string? Reason) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => AdminsOnly(user, "change a node's state");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.SetNodeStateAsync(Node, State, Reason, actor);
    }
}

/// <summary>Pause or resume an elastic pool's scaling: admins.</summary>
public sealed record SetPoolPaused(string Pool, bool Paused) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => AdminsOnly(user, "pause or resume an elastic pool");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.SetPoolPausedAsync(Pool, Paused, actor);
    }
}
