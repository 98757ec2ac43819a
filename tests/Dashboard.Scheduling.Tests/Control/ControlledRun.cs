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

    /// <summary>Every job that has started, by id (a requeue puts it back in the queue as it was).</summary>
    public Dictionary<JobId, Job> Started { get; } = [];

    /// <summary>Each sweep's last tally, kept after it finished (the store's copy, which a requeue of a finished sweep's job starts from).</summary>
    public Dictionary<long, SweepTally> StoredSweeps { get; } = [];

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
        foreach (var start in plan.Starts)
        {
            Started[start.Job.Id] = start.Job;
        }

        Snapshot = Snapshot with { Controls = Snapshot.Controls.Prune(Snapshot.Pending) };
        return plan.Starts;
    }

    public void End(JobId job, JobState state)
    {
        Snapshot = ClusterTransitions.Release(Snapshot, job, Now);
        Record(job, state);
    }

    /// <summary>
    /// Requeues a running job (stopped, back in the queue) or an ended one, as the engine does: a job of a sweep keeps
    /// its place there, and the sweep no longer counts the end it had.
    /// </summary>
    public void Requeue(JobId job, SweepMember? place)
    {
        var stored = Started[job];
        if (Snapshot.Running.Any(r => r.Job.Id == job))
        {
            Snapshot = ClusterTransitions.Release(Snapshot, job, Now);
            Snapshot = ClusterTransitions.Submit(Snapshot, stored);
            return;
        }

        var ended = Ends[job];
        Ends.Remove(job);
        Snapshot = ClusterTransitions.Submit(Snapshot, stored);
        Snapshot = Snapshot with { Controls = Snapshot.Controls with { Outcomes = Snapshot.Controls.Outcomes.Remove(job) } };
        if (place is not null)
        {
            Control(c => c.Rejoin(job, place, ended, StoredSweeps.GetValueOrDefault(place.Sweep)));
        }
    }

    public void Advance(TimeSpan by) => Now += by;

    private void Record(JobId job, JobState state)
    {
        Ends[job] = state;
        var place = Snapshot.Controls.Members.GetValueOrDefault(job);
        Snapshot = Snapshot with { Controls = Snapshot.Controls.Ended(job, state, out var finished).Prune(Snapshot.Pending) };
        if (finished is not null)
        {
            StoredSweeps[finished.Id] = finished;
        }
        else if (place is not null && Snapshot.Controls.Sweeps.TryGetValue(place.Sweep, out var tally))
        {
            StoredSweeps[place.Sweep] = tally;
        }
    }
}
