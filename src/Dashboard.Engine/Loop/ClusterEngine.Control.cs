using System.Collections.Immutable;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>Job control through the engine's front door: hold, release, submit after other jobs.</summary>
public sealed partial class ClusterEngine
{
    public Task<CommandResult> HoldAsync(JobId job, HoldAuthority authority, string actor) =>
        Send(new HoldJobCommand(job, authority, actor) { Completion = NewCompletion() });

    public Task<CommandResult> ReleaseAsync(JobId job, HoldAuthority authority, string actor) =>
        Send(new ReleaseJobCommand(job, authority, actor) { Completion = NewCompletion() });

    /// <summary>Submits a job that waits for <paramref name="after"/>; <paramref name="seen"/> holds the named jobs' states as the caller read them.</summary>
    public Task<CommandResult> SubmitAfterAsync(JobSpec spec, ImmutableArray<DependencyTerm> after, IReadOnlyDictionary<JobId, JobState> seen, bool held, string actor) =>
        Send(new SubmitControlledCommand(spec, after, seen.ToImmutableDictionary(), held, actor) { Completion = NewCompletion() });

    /// <summary>Submits one job per point; answers with the first job's id, which is also the sweep's id.</summary>
    public Task<CommandResult> SubmitSweepAsync(JobSpec spec, ImmutableArray<SweepPoint> points, int? maxRunning, string grid, string actor) =>
        Send(new SubmitSweepCommand(spec, points, maxRunning, grid, actor) { Completion = NewCompletion() });

    /// <summary>Cancels, holds or releases every active job of sweep <paramref name="sweep"/>.</summary>
    public Task<CommandResult> ActOnSweepAsync(long sweep, SweepAction action, HoldAuthority authority, string actor) =>
        Send(new SweepActionCommand(sweep, action, authority, actor) { Completion = NewCompletion() });

    /// <summary>Edits a waiting job: checked as a submit; owner and team stay.</summary>
    public Task<CommandResult> EditAsync(JobId job, JobSpec spec, string actor) =>
        Send(new EditJobCommand(job, spec, actor) { Completion = NewCompletion() });

    /// <summary>
    /// Requeues a running job (stopped, then back to the queue) or an ended one (<paramref name="stored"/> and
    /// <paramref name="storedState"/>: the job as stored, which the engine needs for jobs that have ended).
    /// </summary>
    public Task<CommandResult> RequeueAsync(JobId job, Job? stored, JobState? storedState, string actor, SweepMember? place = null, SweepTally? storedSweep = null) =>
        Send(new RequeueJobCommand(job, stored, storedState, actor, place, storedSweep) { Completion = NewCompletion() });

    /// <summary>
    /// Submits each of <paramref name="jobs"/> again at its index of sweep <paramref name="sweep"/>, within its limit of
    /// running jobs; the new attempts replace the failed ones in its progress. <paramref name="storedSweep"/>: its tally as stored.
    /// </summary>
    public Task<CommandResult> ResubmitSweepJobsAsync(long sweep, ImmutableArray<SweepRetry> jobs, SweepTally storedSweep, string actor) =>
        Send(new ResubmitSweepJobsCommand(sweep, jobs, storedSweep, actor) { Completion = NewCompletion() });
}
