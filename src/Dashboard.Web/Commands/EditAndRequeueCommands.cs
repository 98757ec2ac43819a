using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>
/// Edit a waiting job (name, command, resources, walltime, priority): its owner, a lead of its team or an admin, as for
/// cancel. The engine checks the edited spec exactly as a submit (rules, never-fits, quota and priority limit); the job
/// keeps its owner and team.
/// </summary>
public sealed record EditJob(JobId Job, JobSpec Spec) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => MayActOn(user, jobs, Job, "edit");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.EditAsync(Job, Spec, actor);
    }

    /// <summary>Null when <paramref name="user"/> may act on the job (owner, lead of its team, admin); otherwise the refusal.</summary>
    internal static CommandResult? MayActOn(ICurrentUser user, JobStore jobs, JobId id, string verb)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Find(id) is not { } job)
        {
            return CommandResult.NotFound($"Job {id} does not exist.");
        }

        var spec = job.Job.Spec;
        return user.CanActOnJob(spec.Owner, spec.Team)
            ? null
            : CommandResult.Forbidden($"Only its owner ({spec.Owner}), a lead of team {spec.Team} or an admin can {verb} job {id}.");
    }
}

/// <summary>
/// Requeue a running job (stopped as a cancel stops it, then back in the queue) or an ended one, keeping its id and
/// history: its owner, a lead of its team or an admin.
/// </summary>
public sealed record RequeueJob(JobId Job) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => EditJob.MayActOn(user, jobs, Job, "requeue");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.RequeueAsync(Job, null, null, actor);
    }

    /// <summary>Sends with the job as stored: the engine keeps no ended jobs, and needs the spec to queue one again.</summary>
    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(jobs);
        var stored = jobs.Find(Job);
        if (jobs.SweepPlace(Job) is not { } place)
        {
            return engine.RequeueAsync(Job, stored?.Job, stored?.State, actor);
        }

        // A job of a sweep goes back to its place there; an attempt a resubmit already replaced has no place to go back to.
        var sweep = jobs.Sweep(place.Sweep);
        if (sweep?.Replaced(Job) == true)
        {
            var newer = sweep.Jobs.Where(j => j.Index == place.Index).Max(j => j.Record.Job.Id.Value);
            return Task.FromResult(CommandResult.Conflict($"job {Job} was resubmitted as job {newer} in sweep {place.Sweep}; requeue that one instead"));
        }

        return engine.RequeueAsync(Job, stored?.Job, stored?.State, actor, place, sweep?.ToTally());
    }
}
