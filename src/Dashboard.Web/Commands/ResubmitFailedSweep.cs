using System.Globalization;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>
/// Submit again every job of a sweep that failed (ended Failed or TimedOut), each as a new job with the same name,
/// command (its sweep values included), resources and walltime, owned by the sender. Who may: the cancel rule on the
/// sweep's first job (its owner, a lead of its team, an admin), and the submit rule for the sweep's team. The new jobs
/// are ordinary jobs: the sweep's own tally keeps counting the jobs it made.
/// </summary>
public sealed record ResubmitFailedSweep(long Sweep) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Find(new JobId(Sweep)) is not { } first)
        {
            return CommandResult.NotFound($"Sweep {Sweep} does not exist.");
        }

        var spec = first.Job.Spec;
        if (!user.CanActOnJob(spec.Owner, spec.Team))
        {
            return CommandResult.Forbidden($"Only its owner ({spec.Owner}), a lead of team {spec.Team} or an admin can resubmit the failed jobs of sweep {Sweep}.");
        }

        return new SubmitJob(spec with { Owner = user.Name }).RefusalFor(user, jobs);
    }

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor) =>
        throw new InvalidOperationException("Resubmitting a sweep's failed jobs reads them from the store: the door sends it with its JobStore.");

    public override async Task<CommandResult> SendAsync(ClusterEngine engine, string actor, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(jobs);
        var failed = jobs.SweepMembers(Sweep).Where(j => j.State is JobState.Failed or JobState.TimedOut).ToList();
        if (failed.Count == 0)
        {
            return CommandResult.Conflict($"sweep {Sweep} has no failed job to resubmit");
        }

        var made = new List<JobId>();
        var refusals = new List<string>();
        foreach (var job in failed)
        {
            var answer = await engine.SubmitAsync(job.Job.Spec with { Owner = actor }, actor).ConfigureAwait(false);
            if (answer.Succeeded && answer.Job is { } id)
            {
                made.Add(id);
            }
            else
            {
                refusals.Add($"job {job.Job.Id}: {answer.Reason}");
            }
        }

        if (made.Count == 0)
        {
            return CommandResult.Conflict($"no failed job of sweep {Sweep} was resubmitted: {string.Join("; ", refusals)}");
        }

        var note = string.Create(CultureInfo.InvariantCulture, $"{made.Count} failed {(made.Count == 1 ? "job" : "jobs")} of sweep {Sweep} resubmitted as {string.Join(", ", made)}")
            + (refusals.Count > 0 ? $"; not resubmitted: {string.Join("; ", refusals)}" : "");
        return new CommandResult(CommandOutcome.Accepted, made[0], note, []);
    }
}
