using System.Collections.Immutable;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Commands;

/// <summary>
/// The authority a person has over a job for holds: admins hold as admins; a job's owner as its owner; a lead of its
/// team as a lead. Releasing takes the highest authority the person has (a lead who owns the job releases as a lead).
/// </summary>
public static class JobAuthority
{
    public static HoldAuthority ToHold(ICurrentUser user, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(spec);
        return user.IsAdmin() ? HoldAuthority.Admin
            : string.Equals(user.Name, spec.Owner, StringComparison.Ordinal) ? HoldAuthority.Owner
            : HoldAuthority.Lead;
    }

    public static HoldAuthority ToRelease(ICurrentUser user, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(spec);
        return user.IsAdmin() ? HoldAuthority.Admin : user.Leads(spec.Team) ? HoldAuthority.Lead : HoldAuthority.Owner;
    }

    /// <summary>Null when <paramref name="user"/> has <paramref name="authority"/> over the job; otherwise the refusal.</summary>
    internal static CommandResult? Check(ICurrentUser user, JobStore jobs, JobId id, HoldAuthority authority, string verb)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(jobs);
        if (jobs.Find(id) is not { } job)
        {
            return CommandResult.NotFound($"Job {id} does not exist.");
        }

        var spec = job.Job.Spec;
        var has = authority switch
        {
            HoldAuthority.Admin => user.IsAdmin(),
            HoldAuthority.Lead => user.Leads(spec.Team),
            _ => user.CanActOnJob(spec.Owner, spec.Team),
        };
        return has && user.CanActOnJob(spec.Owner, spec.Team)
            ? null
            : CommandResult.Forbidden($"Only its owner ({spec.Owner}), a lead of team {spec.Team} or an admin can {verb} job {id}.");
    }
}

/// <summary>Hold a waiting job: its owner, a lead of its team, or an admin (same rule as cancel), with that authority.</summary>
public sealed record HoldJob(JobId Job, HoldAuthority As) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => JobAuthority.Check(user, jobs, Job, As, "hold");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.HoldAsync(Job, As, actor);
    }
}

/// <summary>Release a held job: as hold, and only with at least the hold's authority (an admin's hold, only an admin).</summary>
public sealed record ReleaseJob(JobId Job, HoldAuthority As) : ClusterCommand
{
    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs) => JobAuthority.Check(user, jobs, Job, As, "release");

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.ReleaseAsync(Job, As, actor);
    }
}

/// <summary>
/// Submit a job that waits for other jobs (and may start held): the submit rule, and every job it names must exist and
/// be one the submitter may see (a job id not yet given out cannot be named, so no dependency cycle can be made).
/// </summary>
public sealed record SubmitJobAfter(JobSpec Spec, ImmutableArray<DependencyTerm> After, bool Held = false) : ClusterCommand
{
    /// <summary>How many jobs one submit may wait for.</summary>
    public const int MaxDependencies = 64;

    public override CommandResult? RefusalFor(ICurrentUser user, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(jobs);
        if (new SubmitJob(Spec).RefusalFor(user, jobs) is { } refusal)
        {
            return refusal;
        }

        if (After.Length > MaxDependencies)
        {
            return Refused($"a job may wait for at most {MaxDependencies} jobs; this one names {After.Length}");
        }

        foreach (var term in After.IsDefault ? [] : After)
        {
            if (jobs.Find(term.On) is not { } target || !user.CanSeeJob(target.Job.Spec.Owner, target.Job.Spec.Team))
            {
                return Refused($"job {term.On} does not exist or is not one you may see; a job can wait only for jobs you can see");
            }
        }

        return null;
    }

    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor) => Send(engine, actor, new Dictionary<JobId, JobState>());

    /// <summary>Sends with the named jobs' stored states, which the engine needs for jobs that ended before this submit.</summary>
    public override Task<CommandResult> SendAsync(ClusterEngine engine, string actor, JobStore jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var seen = new Dictionary<JobId, JobState>();
        foreach (var term in After.IsDefault ? [] : After)
        {
            if (jobs.Find(term.On) is { } target)
            {
                seen[term.On] = target.State;
            }
        }

        return Send(engine, actor, seen);
    }

    private Task<CommandResult> Send(ClusterEngine engine, string actor, Dictionary<JobId, JobState> seen)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return engine.SubmitAfterAsync(Spec with { Owner = actor }, After.IsDefault ? [] : After, seen, Held, actor);
    }

    private static CommandResult Refused(string message) => CommandResult.Invalid([new FieldError("after", message)]);
}
