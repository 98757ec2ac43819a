using Dapper;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Sessions;

/// <summary>Allocated-but-idle GPU-hours of one team member (or of a whole team, <see cref="Owner"/> empty).</summary>
public sealed record IdleGpuHours(string Team, string Owner, double GpuHours);

/// <summary>
/// GPU time held idle, per job (table <c>job_idle</c>): the idle watch adds each sample's idle GPU-time; the usage page
/// sums it by team and user for the jobs sampled in a period.
/// </summary>
public sealed class IdleUsageStore(Database database)
{
    private const string AddSql = """
        INSERT INTO job_idle (job_id, team, owner, idle_gpu_ms, last_sample) VALUES ($job, $team, $owner, $ms, $at)
        ON CONFLICT (job_id) DO UPDATE SET idle_gpu_ms = idle_gpu_ms + excluded.idle_gpu_ms, last_sample = excluded.last_sample
        """;

    private const string ByUserSql = """
        SELECT team AS Team, owner AS Owner, SUM(idle_gpu_ms) AS Ms FROM job_idle
        WHERE last_sample >= $from AND last_sample < $to
        GROUP BY team, owner ORDER BY team, owner
        """;

    private const string ForJobSql = "SELECT idle_gpu_ms FROM job_idle WHERE job_id = $job";

    public void Add(JobId job, string team, string owner, TimeSpan idleGpuTime, DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        connection.Execute(AddSql, new { job = job.Value, team, owner, ms = (long)idleGpuTime.TotalMilliseconds, at = UtcTimestamp.ToStored(at) });
    }

    /// <summary>Idle GPU-hours by team and user, of jobs last sampled in [from, to).</summary>
    public IReadOnlyList<IdleGpuHours> ByTeamAndUser(DateTimeOffset from, DateTimeOffset to)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<(string Team, string Owner, long Ms)>(ByUserSql, new { from = UtcTimestamp.ToStored(from), to = UtcTimestamp.ToStored(to) })
            .Select(r => new IdleGpuHours(r.Team, r.Owner, r.Ms / 3_600_000.0))];
    }

    public TimeSpan ForJob(JobId job)
    {
        using var connection = database.OpenConnection();
        return TimeSpan.FromMilliseconds(connection.ExecuteScalar<long?>(ForJobSql, new { job = job.Value }) ?? 0);
    }
}
