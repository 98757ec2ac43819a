using System.Collections.Immutable;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.JobControl;

/// <summary>A waiting job was held (<see cref="Hold"/> set) or released (null).</summary>
public sealed record JobHoldChanged(JobId Job, JobHold? Hold, DateTimeOffset At) : ClusterChange;

/// <summary>A new job waits for other jobs to end as its terms say.</summary>
public sealed record JobDependenciesSet(JobId Job, ImmutableArray<DependencyTerm> Terms) : ClusterChange;

/// <summary>A sweep was submitted: its jobs follow as <see cref="SweepJobAdded"/>.</summary>
public sealed record SweepCreated(SweepTally Sweep, string Parameters, DateTimeOffset At) : ClusterChange;

/// <summary>A job of a sweep: its index and its values (a JSON object).</summary>
public sealed record SweepJobAdded(JobId Job, SweepMember Member, string ValuesJson) : ClusterChange;

/// <summary>A waiting job's spec was edited (name, command, resources, walltime, priority); its owner and team stay.</summary>
public sealed record JobEdited(JobId Job, JobSpec Spec) : ClusterChange;

/// <summary>
/// A job that had ended (<paramref name="From"/>) was put back in the queue, keeping its id: it is Pending again, its end
/// cleared, and its history gains the event.
/// </summary>
public sealed record JobRequeuedFromEnd(JobId Job, JobState From, DateTimeOffset At, string Reason) : ClusterChange;
