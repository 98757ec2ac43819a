using System.Collections.Frozen;

namespace Dashboard.Scheduling.Model;

public enum JobState
{
    Pending,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,

    /// <summary>Refused by admission: the request can never fit (see the job's reason).</summary>
    Rejected,
}

/// <summary>The one table of legal job state changes. Anything else is an error, never a silent no-op.</summary>
public static class JobStateTransitions
{
    private static readonly FrozenDictionary<JobState, JobState[]> Legal = new Dictionary<JobState, JobState[]>
    {
        [JobState.Pending] = [JobState.Running, JobState.Cancelled, JobState.Rejected, JobState.Failed],
        // Running -> Pending: preempted to reclaim quota, requeued with its original submit time.
        [JobState.Running] = [JobState.Succeeded, JobState.Failed, JobState.Cancelled, JobState.TimedOut, JobState.Pending],
        [JobState.Succeeded] = [],
        [JobState.Failed] = [],
        [JobState.Cancelled] = [],
        [JobState.TimedOut] = [],
        [JobState.Rejected] = [],
    }.ToFrozenDictionary();

    public static bool IsLegal(JobState from, JobState to) => Legal[from].Contains(to);

    public static bool IsTerminal(this JobState state) => Legal[state].Length == 0;

    public static IReadOnlyList<JobState> NextStates(JobState from) => Legal[from];

    /// <summary>Returns <paramref name="to"/> when the change is legal; throws otherwise.</summary>
    public static JobState Transition(JobState from, JobState to) =>
        IsLegal(from, to)
            ? to
            : throw new InvalidOperationException($"A job cannot go from {from} to {to}.");
}
