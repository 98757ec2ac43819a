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
}
