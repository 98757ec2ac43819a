using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Control;

/// <summary>
/// The engine's use of <see cref="Eligibility"/> without the engine: each <see cref="Step"/> ends the jobs whose
/// dependency can never be met, plans on the eligible snapshot, applies the plan and records what started; jobs are
/// ended by the test with <see cref="End"/>. Keeps every job's end state, so tests can check a start against them.
/// </summary>
internal sealed class ControlledRun(ClusterSnapshot snapshot)
{
    public ClusterSnapshot Snapshot { get; private set; } = snapshot;

    public DateTimeOffset Now { get; private set; } = Time.Now;

    public Dictionary<JobId, JobState> Ends { get; } = [];

    public List<(JobId Job, DateTimeOffset At)> Starts { get; } = [];

    public List<IneligibleJob> Ended { get; } = [];

    public EligibilitySplit? LastSplit { get; private set; }

    public void Control(Func<JobControls, JobControls> change) => Snapshot = Snapshot with { Controls = change(Snapshot.Controls) };

    /// <summary>One scheduling pass as the engine runs it; returns the jobs it started.</summary>
    public IReadOnlyList<JobStart> Step()
    {
        EligibilitySplit split;
        while (true)
        {
            split = Eligibility.Split(Snapshot);
            if (split.NeverEligible.IsEmpty)
            {
                break;
            }

            foreach (var doomed in split.NeverEligible)
            {
                Ended.Add(doomed);
                Snapshot = ClusterTransitions.CancelPending(Snapshot, doomed.Job.Id);
                Record(doomed.Job.Id, JobState.Cancelled);
            }
        }

        LastSplit = split;
        var plan = Scheduler.Plan(split.Eligible, Now);
        Snapshot = ClusterTransitions.ApplyPlan(Snapshot, plan);
        foreach (var refusal in plan.Refusals)
        {
            Record(refusal.Job, JobState.Rejected);
        }

        Starts.AddRange(plan.Starts.Select(s => (s.Job.Id, Now)));
        Snapshot = Snapshot with { Controls = Snapshot.Controls.Prune(Snapshot.Pending) };
        return plan.Starts;
    }

    public void End(JobId job, JobState state)
    {
        Snapshot = ClusterTransitions.Release(Snapshot, job, Now);
        Record(job, state);
    }

    public void Advance(TimeSpan by) => Now += by;

    private void Record(JobId job, JobState state)
    {
        Ends[job] = state;
        Snapshot = Snapshot with { Controls = Snapshot.Controls.Ended(job, state, out _).Prune(Snapshot.Pending) };
    }
}
