using System.Collections.Immutable;
using System.Text.Json;
using Dashboard.Data.JobControl;
using Dashboard.Data.Writing;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Engine.Loop;

/// <summary>
/// Job control: holds, dependencies and sweeps live in the snapshot's <see cref="ClusterSnapshot.Controls"/>; before
/// each scheduling pass <see cref="SplitEligible"/> ends the jobs whose dependency can never be met and hands the
/// scheduler only the jobs that may start; after it <see cref="AfterPass"/> records the ends it made; the explainer says why the others wait.
/// </summary>
internal sealed partial class ClusterState
{
    public CommandResult ApplyControl(JobControlCommand command, EngineBatch batch) => command switch
    {
        HoldJobCommand hold => Hold(hold.Job, hold.Authority, hold.Actor, batch),
        ReleaseJobCommand release => Release(release.Job, release.Authority, release.Actor, batch),
        SubmitControlledCommand submit => SubmitControlled(submit, batch),
        SubmitSweepCommand sweep => SubmitSweep(sweep, batch),
        SweepActionCommand action => ActOnSweep(action, batch),
        EditJobCommand edit => Edit(edit.Job, edit.Spec, edit.Actor, batch),
        RequeueJobCommand requeue => Requeue(requeue, batch),
        ResubmitSweepJobsCommand resubmit => ResubmitSweepJobs(resubmit, batch),
        _ => CommandResult.Conflict("unknown job control command"),
    };

    public CommandResult Hold(JobId id, HoldAuthority authority, string actor, EngineBatch batch)
    {
        if (Snapshot.Pending.Find(id) is null)
        {
            return CommandResult.Conflict(FindRunning(id) is null
                ? $"job {id} has ended; only a waiting job can be held"
                : $"job {id} is running; only a waiting job can be held (requeue it to put it back in the queue)");
        }

        var existing = Snapshot.Controls.Holds.GetValueOrDefault(id);
        if (existing is not null && existing.Authority >= authority)
        {
            return CommandResult.Done($"job {id} is already {existing.Describe()}");
        }

        var hold = new JobHold(actor, authority);
        Snapshot = Snapshot with { Controls = Snapshot.Controls.Hold(id, hold) };
        batch.Changes.Add(new JobHoldChanged(id, hold, batch.Now));
        batch.Changes.Add(Audit(batch.Now, actor, "job.hold", Target(id), existing, hold));
        batch.NeedsPlan = true;
        return CommandResult.Done(hold.Describe());
    }

    public CommandResult Release(JobId id, HoldAuthority authority, string actor, EngineBatch batch)
    {
        if (Snapshot.Pending.Find(id) is null)
        {
            return CommandResult.Conflict($"job {id} is not waiting, so it is not held");
        }

        if (Snapshot.Controls.Holds.GetValueOrDefault(id) is not { } hold)
        {
            return CommandResult.Conflict($"job {id} is not held");
        }

        if (hold.Authority > authority)
        {
            return CommandResult.Forbidden($"job {id} is {hold.Describe()}");
        }

        Snapshot = Snapshot with { Controls = Snapshot.Controls.Release(id) };
        batch.Changes.Add(new JobHoldChanged(id, null, batch.Now));
        batch.Changes.Add(Audit(batch.Now, actor, "job.release", Target(id), hold, null));
        batch.NeedsPlan = true;
        return CommandResult.Done("released");
    }

    private CommandResult SubmitControlled(SubmitControlledCommand command, EngineBatch batch)
    {
        var known = ImmutableDictionary.CreateBuilder<JobId, JobState>();
        foreach (var term in command.After)
        {
            if (Snapshot.Pending.Find(term.On) is not null || FindRunning(term.On) is not null)
            {
                continue;
            }

            var state = Snapshot.Controls.Outcomes.TryGetValue(term.On, out var ended) ? ended
                : command.Seen.TryGetValue(term.On, out var seen) && seen.IsTerminal() ? seen
                : (JobState?)null;
            if (state is null)
            {
                return CommandResult.Conflict($"job {term.On} changed state while this submit was on its way; submit again");
            }

            if (term.StatusGiven(state.Value) == DependencyStatus.NeverMet)
            {
                return CommandResult.Invalid([new FieldError("after", $"job {term.On} already ended {state.Value}: a job that runs only after it {(term.Rule == DependencyRule.AfterOk ? "succeeds" : "fails")} would never start")]);
            }

            known[term.On] = state.Value;
        }

        var submitted = Submit(command.Spec, command.Actor, batch);
        if (submitted.Job is not { } id)
        {
            return submitted;
        }

        var controls = Snapshot.Controls.Depend(id, command.After);
        controls = controls with { Outcomes = controls.Outcomes.SetItems(known) };
        Snapshot = Snapshot with { Controls = controls };
        if (!command.After.IsDefaultOrEmpty)
        {
            batch.Changes.Add(new JobDependenciesSet(id, command.After));
        }

        if (command.Held)
        {
            Hold(id, HoldAuthority.Owner, command.Actor, batch);
        }

        return submitted;
    }

    /// <summary>
    /// A sweep's jobs, all or none: each point's job is checked like a submit before any is made. The sweep's id is its
    /// first job's id.
    /// </summary>
    private CommandResult SubmitSweep(SubmitSweepCommand command, EngineBatch batch)
    {
        if (command.Points.IsDefaultOrEmpty)
        {
            return CommandResult.Invalid([new FieldError("sweep", "the sweep makes no job")]);
        }

        if (command.MaxRunning is < 1)
        {
            return CommandResult.Invalid([new FieldError("maxRunning", "the limit of running jobs must be at least 1")]);
        }

        var sweep = NextJobId;
        var specs = command.Points.Select(p => p.Apply(command.Spec, sweep)).ToList();
        foreach (var spec in specs)
        {
            if (JobSpecValidation.Validate(spec) is { Count: > 0 } errors)
            {
                return CommandResult.Invalid(errors);
            }
        }

        if (NeverFitsNow().Check(specs[0]) is { } reason)
        {
            return CommandResult.NeverFits(reason);
        }

        var ids = new List<JobId>(specs.Count);
        foreach (var spec in specs)
        {
            ids.Add(Submit(spec, command.Actor, batch).Job ?? throw new InvalidOperationException("a checked sweep job was refused"));
        }

        var tally = new SweepTally(sweep, command.Spec.Name, command.Spec.Owner, command.Spec.Team, specs.Count, command.MaxRunning);
        var controls = Snapshot.Controls.StartSweep(tally);
        batch.Changes.Add(new SweepCreated(tally, command.Grid, batch.Now));
        for (var i = 0; i < ids.Count; i++)
        {
            var member = new SweepMember(sweep, command.Points[i].Index);
            controls = controls.Join(ids[i], member);
            var values = command.Points[i].Values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
            batch.Changes.Add(new SweepJobAdded(ids[i], member, JsonSerializer.Serialize(values, AuditJson)));
        }

        Snapshot = Snapshot with { Controls = controls };
        return new CommandResult(CommandOutcome.Accepted, ids[0], $"sweep {sweep}: {ids.Count} jobs, {ids[0]} to {ids[^1]}", []);
    }

    /// <summary>Cancel, hold or release each of a sweep's active jobs; says how many it changed.</summary>
    private CommandResult ActOnSweep(SweepActionCommand command, EngineBatch batch)
    {
        var jobs = Snapshot.Controls.Members.Where(m => m.Value.Sweep == command.Sweep).Select(m => m.Key).Order().ToList();
        if (jobs.Count == 0)
        {
            return CommandResult.Conflict($"sweep {command.Sweep} has no waiting or running job");
        }

        var changed = 0;
        var refusals = new List<string>();
        foreach (var id in jobs)
        {
            var waiting = Snapshot.Pending.Find(id) is not null;
            var result = command.Action switch
            {
                SweepAction.Cancel => Cancel(id, command.Actor, batch),
                SweepAction.Hold when waiting => Hold(id, command.Authority, command.Actor, batch),
                SweepAction.Release when Snapshot.Controls.Holds.ContainsKey(id) => Release(id, command.Authority, command.Actor, batch),
                _ => null,
            };
            if (result is { Succeeded: true } && result.Reason?.StartsWith($"job {id} is already", StringComparison.Ordinal) != true)
            {
                changed++;
            }
            else if (result is { Succeeded: false, Reason: { } reason })
            {
                refusals.Add(reason);
            }
        }

        var verb = command.Action switch { SweepAction.Cancel => "cancelled", SweepAction.Hold => "held", _ => "released" };
        if (changed == 0 && refusals.Count > 0)
        {
            return CommandResult.Forbidden($"no job of sweep {command.Sweep} was {verb}: {refusals[0]}");
        }

        return CommandResult.Done($"{changed} {(changed == 1 ? "job" : "jobs")} of sweep {command.Sweep} {verb}");
    }

    /// <summary>
    /// Before a scheduling pass: records the ends of this batch's jobs, ends every waiting job whose dependency can
    /// never be met (again, as one end can doom the next job of a pipeline), and returns the split whose
    /// <see cref="EligibilitySplit.Eligible"/> snapshot the scheduler plans on.
    /// </summary>
    public EligibilitySplit SplitEligible(SchedulerSettings settings, EngineBatch batch)
    {
        RecordEnds(batch);
        while (true)
        {
            var split = Eligibility.Split(Snapshot with { Settings = settings });
            if (split.NeverEligible.IsEmpty)
            {
                return split;
            }

            foreach (var doomed in split.NeverEligible)
            {
                var id = doomed.Job.Id;
                Snapshot = ClusterTransitions.CancelPending(Snapshot, id);
                batch.Changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Cancelled, batch.Now, doomed.Reason));
                batch.Events.Add(new JobStateChangedEvent(id, doomed.Job.Spec.Owner, doomed.Job.Team, JobState.Pending, JobState.Cancelled, doomed.Reason, batch.Now));
            }

            RecordEnds(batch);
        }
    }

    /// <summary>After the pass: the ends it made are recorded (the jobs kept from the scheduler are explained off the writer, by <see cref="WaitingExplainer"/>).</summary>
    public void AfterPass(EngineBatch batch) => RecordEnds(batch);

    /// <summary>Every job this batch ended is noted in the controls (kept for the jobs that wait on it, counted in its sweep).</summary>
    private void RecordEnds(EngineBatch batch)
    {
        var controls = Snapshot.Controls;
        if (controls.IsEmpty && controls.Members.IsEmpty)
        {
            return;
        }

        foreach (var ended in batch.Events.OfType<JobStateChangedEvent>().ToList())
        {
            if (!ended.To.IsTerminal())
            {
                continue;
            }

            controls = controls.Ended(ended.Job, ended.To, out var finished);
            if (finished is not null)
            {
                batch.Events.Add(new SweepFinishedEvent(finished.Id, finished.Name, finished.Owner, finished.Team, finished.Size, finished.Succeeded, finished.Failed, finished.Cancelled, batch.Now));
            }
        }

        Snapshot = Snapshot with { Controls = controls.Prune(Snapshot.Pending) };
    }
}
