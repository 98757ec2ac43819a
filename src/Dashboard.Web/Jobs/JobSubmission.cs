using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Jobs;

/// <summary>What the submit page needs of the system: send a submission to the engine, and read a stored job to submit again.</summary>
public interface IJobSubmission
{
    /// <summary>Completes when the engine has committed (or refused) the submission by <paramref name="user"/>; see <see cref="ClusterCommands.SubmitAsync"/>.</summary>
    Task<CommandResult> SubmitAsync(JobSpec spec, ICurrentUser user);

    /// <summary>Sends another submit command (<see cref="SubmitJobAfter"/>, <see cref="SubmitSweep"/>) through the door as <paramref name="user"/>.</summary>
    Task<CommandResult> SendAsync(ClusterCommand command, ICurrentUser user);

    /// <summary>The spec of a stored job, or null when there is no such job.</summary>
    JobSpec? FindSpec(JobId job);
}

/// <summary>The real one: <see cref="ClusterCommands"/> (who may submit where, then the engine) and the job store.</summary>
public sealed class EngineJobSubmission(ClusterCommands commands, JobStore jobs) : IJobSubmission
{
    public Task<CommandResult> SubmitAsync(JobSpec spec, ICurrentUser user) => commands.SubmitAsync(user, spec);

    public Task<CommandResult> SendAsync(ClusterCommand command, ICurrentUser user) => commands.SendAsync(user, command);

    public JobSpec? FindSpec(JobId job) => jobs.Find(job)?.Job.Spec;
}
