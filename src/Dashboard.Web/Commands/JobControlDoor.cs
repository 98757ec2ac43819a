using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>Hold and release through the door with the authority the person has over the job (<see cref="JobAuthority"/>).</summary>
public static class JobControlDoor
{
    public static Task<CommandResult> HoldAsync(this ClusterCommands door, ICurrentUser user, JobStore jobs, JobId id)
    {
        ArgumentNullException.ThrowIfNull(door);
        ArgumentNullException.ThrowIfNull(jobs);
        return jobs.Find(id) is { } job
            ? door.SendAsync(user, new HoldJob(id, JobAuthority.ToHold(user, job.Job.Spec)))
            : Task.FromResult(CommandResult.NotFound($"Job {id} does not exist."));
    }

    public static Task<CommandResult> ReleaseAsync(this ClusterCommands door, ICurrentUser user, JobStore jobs, JobId id)
    {
        ArgumentNullException.ThrowIfNull(door);
        ArgumentNullException.ThrowIfNull(jobs);
        return jobs.Find(id) is { } job
            ? door.SendAsync(user, new ReleaseJob(id, JobAuthority.ToRelease(user, job.Job.Spec)))
            : Task.FromResult(CommandResult.NotFound($"Job {id} does not exist."));
    }

    /// <summary>Cancels, holds or releases a whole sweep with the person's authority over its first job.</summary>
    public static Task<CommandResult> ActOnSweepAsync(this ClusterCommands door, ICurrentUser user, JobStore jobs, long sweep, SweepAction action)
    {
        ArgumentNullException.ThrowIfNull(door);
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Find(new JobId(sweep)) is not { } first)
        {
            return Task.FromResult(CommandResult.NotFound($"Sweep {sweep} does not exist."));
        }

        var authority = action == SweepAction.Hold ? JobAuthority.ToHold(user, first.Job.Spec) : JobAuthority.ToRelease(user, first.Job.Spec);
        return door.SendAsync(user, new ActOnSweep(sweep, action, authority));
    }
}
