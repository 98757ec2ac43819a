using Dapper;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Usage;

/// <summary>Reads per-job usage, team fair-share usage and utilisation history. Writes go through <see cref="Writing.ClusterWriter"/>.</summary>
public sealed class UsageStore(Database database)
{
    private const string TeamUsageSql = "SELECT team AS Team, gpu_seconds AS GpuSeconds, cpu_seconds AS CpuSeconds, as_of AS AsOf FROM team_usage";

    private const string JobUsageSql = """
        SELECT job_id AS JobId, wait_seconds AS WaitSeconds, run_seconds AS RunSeconds, gpu_seconds AS GpuSeconds,
               cpu_seconds AS CpuSeconds, memory_mib_seconds AS MemoryMiBSeconds, recorded_at AS RecordedAt
        FROM job_usage WHERE job_id = $job
        """;

    private const string SampleColumns = """
        minute AS Minute, simulated AS Simulated, gpus AS Gpus, cpu_millicores AS CpuMillicores, memory_mib AS MemoryMiB,
        gpu_utilisation_pct AS GpuUtilisationPct, gpu_memory_used_mib AS GpuMemoryUsedMiB
        """;

    private const string TeamSamplesSql = $"""
        SELECT team AS Subject, {SampleColumns} FROM team_utilisation_samples
        WHERE team = $subject AND minute >= $from AND minute < $to ORDER BY minute, simulated
        """;

    private const string UserSamplesSql = $"""
        SELECT user_name AS Subject, {SampleColumns} FROM user_utilisation_samples
        WHERE user_name = $subject AND minute >= $from AND minute < $to ORDER BY minute, simulated
        """;

    /// <summary>Every team's fair-share usage, in ordinal team order.</summary>
    public IReadOnlyList<TeamUsage> TeamUsage()
    {
        using var connection = database.OpenConnection();
        return TeamUsage(connection, null);
    }

    public JobUsage? ForJob(JobId job)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<JobUsageRow>(JobUsageSql, new { job = job.Value })?.ToUsage();
    }

    /// <summary>A team's samples with <paramref name="from"/> &lt;= minute &lt; <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<UtilisationSample> TeamSamples(string team, DateTimeOffset from, DateTimeOffset to) => Samples(TeamSamplesSql, team, from, to);

    /// <summary>A user's samples with <paramref name="from"/> &lt;= minute &lt; <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<UtilisationSample> UserSamples(string user, DateTimeOffset from, DateTimeOffset to) => Samples(UserSamplesSql, user, from, to);

    internal static List<TeamUsage> TeamUsage(SqliteConnection connection, SqliteTransaction? transaction) =>
        [.. connection.Query<TeamUsageRow>(TeamUsageSql, transaction: transaction)
            .Select(r => new TeamUsage(r.Team, r.GpuSeconds, r.CpuSeconds, r.AsOf))
            .OrderBy(u => u.Team, StringComparer.Ordinal)];

    private List<UtilisationSample> Samples(string sql, string subject, DateTimeOffset from, DateTimeOffset to)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<SampleRow>(sql, new { subject, from, to }).Select(r => r.ToSample())];
    }

    private sealed class TeamUsageRow
    {
        public string Team { get; set; } = "";

        public double GpuSeconds { get; set; }

        public double CpuSeconds { get; set; }

        public DateTimeOffset AsOf { get; set; }
    }

    private sealed class JobUsageRow
    {
        public long JobId { get; set; }

        public double WaitSeconds { get; set; }

        public double RunSeconds { get; set; }

        public double GpuSeconds { get; set; }

        public double CpuSeconds { get; set; }

        public double MemoryMiBSeconds { get; set; }

        public DateTimeOffset RecordedAt { get; set; }

        public JobUsage ToUsage() => new(new JobId(JobId), WaitSeconds, RunSeconds, GpuSeconds, CpuSeconds, MemoryMiBSeconds, RecordedAt);
    }

    private sealed class SampleRow
    {
        public string Subject { get; set; } = "";

        public DateTimeOffset Minute { get; set; }

        public long Simulated { get; set; }

        public long Gpus { get; set; }

        public long CpuMillicores { get; set; }

        public long MemoryMiB { get; set; }

        public double? GpuUtilisationPct { get; set; }

        public long? GpuMemoryUsedMiB { get; set; }

        public UtilisationSample ToSample() =>
            new(Subject, Minute, checked((int)Gpus), CpuMillicores, MemoryMiB, GpuUtilisationPct, GpuMemoryUsedMiB, Simulated != 0);
    }
}
