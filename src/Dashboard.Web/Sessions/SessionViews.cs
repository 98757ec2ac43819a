using Dashboard.Api.Contracts;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Sessions;

/// <summary>Where a session stands, from its job and its endpoint: queued, starting, ready, simulated or ended.</summary>
public sealed class SessionViews(SessionEndpoints endpoints)
{
    public const string Queued = "queued";
    public const string Starting = "starting";
    public const string Ready = "ready";
    public const string Simulated = "simulated";
    public const string Ended = "ended";

    public SessionView Of(JobRecord record, ClusterUpdate? update, IReadOnlyList<AllocationRecord>? allocations = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var job = JobViews.Of(record, update, allocations);
        var endpoint = record.State == JobState.Running ? endpoints.Find(record.Job.Id) : null;
        var status = record.State switch
        {
            JobState.Pending => Queued,
            JobState.Running when job.Simulated => Simulated,
            JobState.Running when endpoint is { IsReady: true } => Ready,
            JobState.Running => Starting,
            _ => Ended,
        };
        var endsAt = record.State == JobState.Running && record.StartedAt is { } started && record.Job.Spec.Walltime is { } walltime ? started + walltime : (DateTimeOffset?)null;
        return new SessionView(
            record.Job.Id.Value,
            record.Job.Spec.Session?.Type ?? "",
            status,
            SessionEndpoint.BasePathOf(record.Job.Id),
            endpoint?.ReadyAt,
            endsAt,
            endpoint?.LastTraffic,
            job);
    }
}
