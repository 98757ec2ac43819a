using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Control;

/// <summary>A waiting job the scheduler does not see this pass, and why (the words a person reads).</summary>
public sealed record IneligibleJob(Job Job, string Reason);

/// <summary>
/// What <see cref="Eligibility.Split"/> decided: the snapshot the scheduler plans on (only the jobs that may start), the
/// jobs kept waiting with the reason, and the jobs whose dependency can never be met (to be ended with the reason).
/// </summary>
public sealed record EligibilitySplit(ClusterSnapshot Eligible, ImmutableArray<IneligibleJob> Waiting, ImmutableArray<IneligibleJob> NeverEligible)
{
    /// <summary>The explanation of a job kept waiting, in the shape the scheduler's own explanations have.</summary>
    public static PendingExplanation Explain(IneligibleJob waiting)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        return new PendingExplanation(
            waiting.Job.Id,
            null,
            new PendingReason(PendingCause.NotEligible, waiting.Job.Request, 0, default, default, Note: waiting.Reason),
            null);
    }
}

/// <summary>
/// The one filter between the pending queue and the scheduler: a held job, a job whose dependencies have not ended as
/// its rule requires, and a sweep's jobs beyond its limit of running jobs are taken out of the queue the scheduler
/// plans on, so planning itself knows nothing of them; a job whose dependency can never be met is named to be ended.
/// Pure: a function of the snapshot (and its <see cref="ClusterSnapshot.Controls"/>).
/// </summary>
public static class Eligibility
{
    public static EligibilitySplit Split(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var controls = snapshot.Controls;
        if (controls.IsEmpty)
        {
            return new EligibilitySplit(snapshot, [], []);
        }

        var pending = snapshot.Pending;
        var waiting = new Dictionary<JobId, IneligibleJob>();
        var never = new List<IneligibleJob>();
        var running = snapshot.Running.Select(r => r.Job.Id).ToHashSet();

        foreach (var (id, terms) in controls.Dependencies)
        {
            if (pending.Find(id) is not { } job)
            {
                continue;
            }

            string? waitsFor = null;
            foreach (var term in terms)
            {
                var state = pending.Find(term.On) is not null ? JobState.Pending
                    : running.Contains(term.On) ? JobState.Running
                    : controls.Outcomes.TryGetValue(term.On, out var ended) ? ended
                    : (JobState?)null;
                if (state is null)
                {
                    waitsFor ??= $"waits for job {term.On}, whose state is not known yet";
                    continue;
                }

                switch (term.StatusGiven(state.Value))
                {
                    case DependencyStatus.NeverMet:
                        never.Add(new IneligibleJob(job, term.DescribeNeverMet(state.Value)));
                        waitsFor = null;
                        goto nextJob;
                    case DependencyStatus.Waiting:
                        waitsFor ??= term.DescribeWaiting();
                        break;
                }
            }

            if (waitsFor is not null)
            {
                waiting[id] = new IneligibleJob(job, waitsFor);
            }

        nextJob:;
        }

        var doomed = never.Select(n => n.Job.Id).ToHashSet();
        foreach (var (id, hold) in controls.Holds)
        {
            if (pending.Find(id) is { } job && !doomed.Contains(id))
            {
                // A hold is the reason a person acts on first: it wins over a dependency.
                waiting[id] = new IneligibleJob(job, hold.Describe());
            }
        }

        LimitSweeps(snapshot, running, waiting, doomed);

        var removed = waiting.Values.Select(w => w.Job).Concat(never.Select(n => n.Job)).ToList();
        var eligible = removed.Count == 0 ? snapshot : snapshot with { Pending = pending.RemoveAll(removed, out _) };
        return new EligibilitySplit(
            eligible,
            [.. waiting.Values.OrderBy(w => w.Job.Id)],
            [.. never.OrderBy(n => n.Job.Id)]);
    }

    /// <summary>
    /// A sweep with a limit lets at most (limit - running) of its otherwise eligible waiting jobs through, in queue
    /// order (priority, submit time, id); the rest wait, so however many of them the scheduler starts, the sweep's
    /// running count stays within its limit.
    /// </summary>
    private static void LimitSweeps(ClusterSnapshot snapshot, HashSet<JobId> running, Dictionary<JobId, IneligibleJob> waiting, HashSet<JobId> doomed)
    {
        var controls = snapshot.Controls;
        if (!controls.Sweeps.Values.Any(s => s.MaxRunning is not null))
        {
            return;
        }

        var runningPerSweep = new Dictionary<long, int>();
        var waitingPerSweep = new Dictionary<long, List<Job>>();
        foreach (var (id, member) in controls.Members)
        {
            if (controls.Sweeps.GetValueOrDefault(member.Sweep)?.MaxRunning is null)
            {
                continue;
            }

            if (running.Contains(id))
            {
                runningPerSweep[member.Sweep] = runningPerSweep.GetValueOrDefault(member.Sweep) + 1;
            }
            else if (snapshot.Pending.Find(id) is { } job && !waiting.ContainsKey(id) && !doomed.Contains(id))
            {
                if (!waitingPerSweep.TryGetValue(member.Sweep, out var jobs))
                {
                    jobs = [];
                    waitingPerSweep[member.Sweep] = jobs;
                }

                jobs.Add(job);
            }
        }

        foreach (var (sweep, jobs) in waitingPerSweep)
        {
            var limit = controls.Sweeps[sweep].MaxRunning!.Value;
            var room = Math.Max(0, limit - runningPerSweep.GetValueOrDefault(sweep));
            jobs.Sort(TeamQueueOrder.Instance);
            foreach (var job in jobs.Skip(room))
            {
                waiting[job.Id] = new IneligibleJob(job, $"sweep {sweep} at its limit of {limit} running");
            }
        }
    }
}
