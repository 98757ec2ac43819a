using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Sessions;

/// <summary>
/// Give a running job (a session's "extend") more walltime: its owner, a lead of its team or an admin (as cancel). The
/// engine re-checks it like a submit: the walltime limit, the team's quota, and no start promised to a waiting job
/// pushed later (<see cref="Dashboard.Scheduling.Control.WalltimeExtension"/>).
/// </summary>
public sealed record ExtendWalltime(JobId Job, TimeSpan By) : ClusterCommand
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
            : CommandResult.Forbidden($"Only its owner ({spec.Owner}), a lead of team {spec.Team} or an admin can extend job {Job}.");
    }

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.ExtendWalltimeAsync(Job, By, actor);
    }
}
