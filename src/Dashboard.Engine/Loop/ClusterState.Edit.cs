using Dashboard.Data.JobControl;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Engine.Loop;

/// <summary>
/// Editing a waiting job (checked exactly as a submit is: the spec's rules, then whether it could ever run, its team's
/// quota and priority limit included) and requeueing a running or ended job, keeping its id and history.
/// </summary>
internal sealed partial class ClusterState
{
    public CommandResult Edit(JobId id, JobSpec edited, string actor, EngineBatch batch)
    {
        if (Snapshot.Pending.Find(id) is not { } waiting)
        {
            return CommandResult.Conflict(FindRunning(id) is null
                ? $"job {id} is not waiting (it has ended or does not exist); only a waiting job can be edited"
                : $"job {id} is running; only a waiting job can be edited (requeue it to put it back in the queue first)");
        }

        var before = waiting.Spec;
        var spec = edited with { Owner = before.Owner, Team = before.Team, Session = before.Session };
        if (JobSpecValidation.Validate(spec) is { Count: > 0 } errors)
        {
            return CommandResult.Invalid(errors);
        }

        if (NeverFits.Check(Snapshot, spec) is { } reason)
        {
            return CommandResult.NeverFits(reason);
        }

        if (spec == before)
        {
            return CommandResult.Done($"job {id} already is as asked; nothing changed");
        }

        Snapshot = ClusterTransitions.Submit(ClusterTransitions.CancelPending(Snapshot, id), waiting with { Spec = spec });
        batch.Changes.Add(new JobEdited(id, spec));
        batch.Changes.Add(Audit(batch.Now, actor, "job.edit", Target(id), before, spec));
        batch.Events.Add(new JobStateChangedEvent(id, spec.Owner, spec.Team, JobState.Pending, JobState.Pending, $"edited by {actor}", batch.Now));
        batch.NeedsPlan = true;
        return CommandResult.Done("edited");
    }

    private CommandResult Requeue(RequeueJobCommand command, EngineBatch batch)
    {
        var id = command.Job;
        var reason = $"requeued by {command.Actor}";
        if (Snapshot.Pending.Find(id) is not null)
        {
            return CommandResult.Conflict($"job {id} is already waiting in the queue");
        }

        if (FindRunning(id) is { } running)
        {
            if (running.Job.IsSession)
            {
                return CommandResult.Conflict($"job {id} is a session; stop it and start a new one instead of requeueing it");
            }

            if (Stopping.TryGetValue(id, out var stopping))
            {
                return stopping.EndsAs == JobState.Pending
                    ? CommandResult.Stopping()
                    : CommandResult.Conflict($"job {id} is already being stopped ({stopping.Reason}); requeue it once it has ended");
            }

            Stopping = Stopping.SetItem(id, new StopIntent(JobState.Pending, reason, Requeued: true));
            batch.Stops.Add(id);
            batch.Changes.Add(Audit(batch.Now, command.Actor, "job.requeue", Target(id), new { State = JobState.Running }, new { State = "stopping, then Pending" }));
            return CommandResult.Stopping();
        }

        if (command.Stored is not { } job || command.StoredState is not { } state || !state.IsTerminal())
        {
            return CommandResult.Conflict($"job {id} changed state while this requeue was on its way; try again");
        }

        if (job.IsSession)
        {
            return CommandResult.Conflict($"job {id} is a session; start a new session instead of requeueing it");
        }

        if (NeverFits.Check(Snapshot, job.Spec) is { } never)
        {
            return CommandResult.NeverFits(never);
        }

        Snapshot = ClusterTransitions.Submit(Snapshot, job);
        if (command.Place is { } place)
        {
            // Back in its sweep at its place: the sweep waits for it again, within its limit of running jobs.
            RejoinSweep(id, place, state, command.StoredSweep);
        }

        Snapshot = Snapshot with { Controls = Snapshot.Controls with { Outcomes = Snapshot.Controls.Outcomes.Remove(id) } };
        batch.Changes.Add(new JobRequeuedFromEnd(id, state, batch.Now, reason));
        batch.Changes.Add(Audit(batch.Now, command.Actor, "job.requeue", Target(id), new { State = state }, new { State = JobState.Pending }));
        batch.Events.Add(new JobStateChangedEvent(id, job.Spec.Owner, job.Team, state, JobState.Pending, reason, batch.Now));
        batch.NeedsPlan = true;
        return CommandResult.Done("requeued");
    }
}
