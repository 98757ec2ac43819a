using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>
/// Submit a sweep: one job per point of <paramref name="Grid"/> (<c>lr=[1e-4,3e-4] x seed=[1,2]</c>), at most
/// <paramref name="MaxRunning"/> running at once. The submit rule; a bad grid or limit is refused with the reason.
/// </summary>
public sealed record SubmitSweep(JobSpec Spec, string Grid, int? MaxRunning = null) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs)
    {
        if (new SubmitJob(Spec).RefusalFor(user, jobs) is { } refusal)
        {
            return refusal;
        }

        SweepGrid.Parse(Grid, out var error);
        if (error is not null)
        {
            return CommandResult.Invalid([new FieldError("sweep", error)]);
        }

        return MaxRunning is < 1
            ? CommandResult.Invalid([new FieldError("maxRunning", "the limit of running jobs must be at least 1")])
            : null;
    }

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var points = SweepGrid.Parse(Grid, out _);
        return engine.SubmitSweepAsync(Spec with { Owner = actor }, points, MaxRunning, Grid, actor);
    }
}

/// <summary>
/// Cancel, hold or release a whole sweep (its id is its first job's): the cancel rule on the sweep's first job, with the
/// sender's authority (<paramref name="As"/>: an admin's hold on a sweep's job only an admin releases).
/// </summary>
public sealed record ActOnSweep(long Sweep, SweepAction Action, HoldAuthority As) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) =>
        JobAuthority.Check(user, jobs, new JobId(Sweep), As, Action.ToString().ToLowerInvariant() + " the sweep of");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.ActOnSweepAsync(Sweep, Action, As, actor);
    }
}
