using System.Collections.Immutable;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>
/// Submit again every job of a sweep that failed (ended Failed or TimedOut), each as a new job with the same name,
/// command (its sweep values included), resources and walltime, owned by the sender. Who may: the cancel rule on the
/// sweep's first job (its owner, a lead of its team, an admin), and the submit rule for the sweep's team. The new jobs
/// join the sweep at the failed jobs' indexes: its limit of running jobs applies to them, and its progress counts each
/// new attempt instead of the failure it replaces.
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
        if (jobs.Sweep(Sweep) is not { } sweep)
        {
            return CommandResult.NotFound($"Sweep {Sweep} does not exist.");
        }

        var failed = sweep.Jobs
            .Where(j => j.Record.State is JobState.Failed or JobState.TimedOut && !sweep.Replaced(j.Record.Job.Id))
            .Select(j => new SweepRetry(j.Record.Job.Id, j.Record.State, j.Record.Job.Spec with { Owner = actor }, j.Index, j.ValuesJson ?? "{}"))
            .ToImmutableArray();
        return failed.IsEmpty
            ? CommandResult.Conflict($"sweep {Sweep} has no failed job to resubmit")
            : await engine.ResubmitSweepJobsAsync(Sweep, failed, sweep.ToTally(), actor).ConfigureAwait(false);
    }
}
