using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Replays;

/// <summary>One team's figures in a replay: its jobs, their mean and p95 wait, the GPU-hours they held and their preemptions.</summary>
public sealed record TeamReplayFigures(string Team, int Jobs, int Started, double MeanWaitSeconds, double P95WaitSeconds, double GpuHours, int Preemptions)
{
    public static TeamReplayFigures Of(string team, IReadOnlyList<ReplayedJob> jobs)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var waits = jobs.Where(j => j.Wait is not null).Select(j => j.Wait!.Value.TotalSeconds).ToList();
        var held = jobs.Where(j => j.FirstStart is not null).Sum(j => (j.Recorded.Job.Request.Gpus * RunFor(j.Recorded).TotalSeconds) + j.LostGpuSeconds);
        return new TeamReplayFigures(team, jobs.Count, waits.Count, waits.Count == 0 ? 0 : waits.Average(), ReplayFigures.Percentile(waits, 95), held / 3600, jobs.Sum(j => j.Preemptions));
    }

    private static TimeSpan RunFor(ReplayJob job) =>
        job.Job.Spec.Walltime is { } walltime && walltime < job.RunTime ? walltime : job.RunTime;
}

/// <summary>A team's figures replayed with today's quotas and with the proposed ones.</summary>
public sealed record QuotaReplayRow(string Team, TeamReplayFigures Before, TeamReplayFigures After);

/// <summary>
/// "Replay the last 30 days with these quotas": the recorded jobs (their submits, requests and real run times) go
/// through the scheduler twice in virtual time on today's nodes and settings, once with today's quotas and once with
/// the proposed ones, and each team's figures are set side by side. Pure and deterministic; the caller runs it off
/// the engine's writer.
/// </summary>
public static class QuotaReplay
{
    public static IReadOnlyList<QuotaReplayRow> Compare(ClusterSnapshot today, IReadOnlyList<ReplayJob> recorded, IReadOnlyList<TeamQuota> proposed)
    {
        ArgumentNullException.ThrowIfNull(today);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(proposed);
        var duplicate = proposed.GroupBy(q => q.Team, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Team {duplicate.Key} has two proposed quotas.", nameof(proposed));
        }

        var empty = new ClusterSnapshot(today.Nodes, today.Quotas, PendingQueue.Empty, [], [], today.Settings) { ElasticNodeShapes = today.ElasticNodeShapes };
        var changed = proposed.ToDictionary(q => q.Team, StringComparer.Ordinal);
        var quotas = today.Quotas.Where(q => !changed.ContainsKey(q.Team)).Concat(proposed).OrderBy(q => q.Team, StringComparer.Ordinal).ToImmutableArray();
        var before = TraceReplayer.Run(empty, recorded);
        var after = TraceReplayer.Run(empty with { Quotas = quotas }, recorded);
        var teams = recorded.Select(j => j.Job.Team).Concat(quotas.Select(q => q.Team)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return [.. teams.Select(team => new QuotaReplayRow(
            team,
            TeamReplayFigures.Of(team, [.. before.Jobs.Where(j => j.Recorded.Job.Team == team)]),
            TeamReplayFigures.Of(team, [.. after.Jobs.Where(j => j.Recorded.Job.Team == team)])))];
    }
}
