using Dashboard.Data.JobControl;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Loop;

/// <summary>
/// A sweep's jobs coming back: a failed job resubmitted as a new attempt at its index, an ended job requeued. Either
/// takes its place in the sweep again (its limit of running jobs applies) and the sweep's tally no longer counts the
/// end it replaces, so a sweep of 6 with one failure resubmitted and succeeded reads "6/6 done".
/// </summary>
internal sealed partial class ClusterState
{
    private CommandResult ResubmitSweepJobs(ResubmitSweepJobsCommand command, EngineBatch batch)
    {
        var made = new List<JobId>();
        var refusals = new List<string>();
        foreach (var retry in command.Jobs)
        {
            var member = new SweepMember(command.Sweep, retry.Index);
            if (Snapshot.Controls.Members.Where(m => m.Value == member).Select(m => (JobId?)m.Key).FirstOrDefault() is { } active)
            {
                refusals.Add($"job {retry.Failed}: index {retry.Index} already runs again as job {active}");
                continue;
            }

            var answer = Submit(retry.Spec, command.Actor, batch);
            if (answer.Job is not { } id)
            {
                refusals.Add($"job {retry.Failed}: {answer.Reason}");
                continue;
            }

            batch.Changes.Add(new SweepJobAdded(id, member, retry.ValuesJson));
            RejoinSweep(id, member, retry.FailedState, command.StoredSweep);
            made.Add(id);
        }

        if (made.Count == 0)
        {
            return CommandResult.Conflict($"no failed job of sweep {command.Sweep} was resubmitted: {string.Join("; ", refusals)}");
        }

        var note = $"{made.Count} failed {(made.Count == 1 ? "job" : "jobs")} of sweep {command.Sweep} resubmitted as {string.Join(", ", made)}"
            + (refusals.Count > 0 ? $"; not resubmitted: {string.Join("; ", refusals)}" : "");
        return new CommandResult(CommandOutcome.Accepted, made[0], note, []);
    }

    /// <summary>Puts <paramref name="job"/> at <paramref name="place"/> in its sweep again (see <see cref="JobControls.Rejoin"/>).</summary>
    private void RejoinSweep(JobId job, SweepMember place, JobState replacedEnd, SweepTally? stored) =>
        Snapshot = Snapshot with { Controls = Snapshot.Controls.Rejoin(job, place, replacedEnd, stored) };
}
