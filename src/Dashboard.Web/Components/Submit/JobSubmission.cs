using Dashboard.Data;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Components.Submit;

/// <summary>What the submit page needs of the system: send a submission to the engine, and read a stored job to submit again.</summary>
public interface IJobSubmission
{
    /// <summary>Completes when the engine has committed (or refused) the submission; see <see cref="ClusterEngine.SubmitAsync"/>.</summary>
    Task<CommandResult> SubmitAsync(JobSpec spec, string actor);

    /// <summary>The spec of a stored job, or null when there is no such job.</summary>
    JobSpec? FindSpec(JobId job);
}

/// <summary>The real one: the engine's front door and the job store.</summary>
public sealed class EngineJobSubmission(ClusterEngine engine, Database database) : IJobSubmission
{
    private readonly JobStore jobs = new(database);

    public Task<CommandResult> SubmitAsync(JobSpec spec, string actor) => engine.SubmitAsync(spec, actor);

    public JobSpec? FindSpec(JobId job) => jobs.Find(job)?.Job.Spec;
}
