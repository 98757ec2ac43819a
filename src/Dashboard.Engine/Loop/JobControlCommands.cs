using System.Collections.Immutable;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>A command of job control (hold, release, submit with dependencies, sweeps); applied by <see cref="ClusterState"/>'s control part.</summary>
internal abstract record JobControlCommand(string Actor) : EngineCommand;

/// <summary>Hold a waiting job with <paramref name="Authority"/> (the sender's, checked at the door).</summary>
internal sealed record HoldJobCommand(JobId Job, HoldAuthority Authority, string Actor) : JobControlCommand(Actor);

/// <summary>Release a held job; refused when the hold carries more authority than <paramref name="Authority"/>.</summary>
internal sealed record ReleaseJobCommand(JobId Job, HoldAuthority Authority, string Actor) : JobControlCommand(Actor);

/// <summary>
/// Submit a job that waits for others (<paramref name="After"/>), optionally held from the start. <paramref name="Seen"/>:
/// the states of the named jobs as the door read them (the engine knows the ends only of jobs someone waits on).
/// </summary>
internal sealed record SubmitControlledCommand(
    JobSpec Spec,
    ImmutableArray<DependencyTerm> After,
    ImmutableDictionary<JobId, JobState> Seen,
    bool Held,
    string Actor) : JobControlCommand(Actor);

/// <summary>Submit a sweep: one job per point of the grid, at most <paramref name="MaxRunning"/> of them running at once (null: no limit).</summary>
internal sealed record SubmitSweepCommand(
    JobSpec Spec,
    ImmutableArray<SweepPoint> Points,
    int? MaxRunning,
    string Grid,
    string Actor) : JobControlCommand(Actor);

/// <summary>What a sweep-wide action does to each of the sweep's active jobs.</summary>
public enum SweepAction
{
    Cancel,
    Hold,
    Release,
}

/// <summary>Cancel, hold or release every waiting (and for cancel, running) job of a sweep, with <paramref name="Authority"/>.</summary>
internal sealed record SweepActionCommand(long Sweep, SweepAction Action, HoldAuthority Authority, string Actor) : JobControlCommand(Actor);

/// <summary>Edit a waiting job: <paramref name="Spec"/> replaces its name, command, resources, walltime and priority (owner and team stay).</summary>
internal sealed record EditJobCommand(JobId Job, JobSpec Spec, string Actor) : JobControlCommand(Actor);

/// <summary>
/// Requeue a running job (stopped as a cancel is, then back in the queue) or an ended one. <paramref name="Stored"/> and
/// <paramref name="StoredState"/>: the job as the door read it (the engine keeps no ended jobs).
/// <paramref name="Place"/>: its place in a sweep as stored, and <paramref name="StoredSweep"/> that sweep's tally as
/// stored (the engine forgets a finished sweep): an ended job requeued takes its place in its sweep again.
/// </summary>
internal sealed record RequeueJobCommand(JobId Job, Job? Stored, JobState? StoredState, string Actor, SweepMember? Place = null, SweepTally? StoredSweep = null) : JobControlCommand(Actor);

/// <summary>
/// Submit again a sweep's failed jobs (<paramref name="Jobs"/>), each as a new job at the failed one's index;
/// <paramref name="StoredSweep"/>: the sweep's tally as stored (the engine forgets a finished sweep).
/// </summary>
internal sealed record ResubmitSweepJobsCommand(long Sweep, ImmutableArray<SweepRetry> Jobs, SweepTally StoredSweep, string Actor) : JobControlCommand(Actor);

/// <summary>A failed job of a sweep to submit again: its id and end, the spec of the new attempt, its index and values (JSON).</summary>
public sealed record SweepRetry(JobId Failed, JobState FailedState, JobSpec Spec, int Index, string ValuesJson);
