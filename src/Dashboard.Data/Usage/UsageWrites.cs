using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Usage;

/// <summary>The write side of job_usage, team_usage and the per-minute utilisation samples.</summary>
internal sealed class UsageWrites : StatementGroup
{
    private const string JobUsageSql = """
        INSERT INTO job_usage (job_id, wait_seconds, run_seconds, gpu_seconds, cpu_seconds, memory_mib_seconds, recorded_at)
        VALUES ($job_id, $wait_seconds, $run_seconds, $gpu_seconds, $cpu_seconds, $memory_mib_seconds, $recorded_at)
        ON CONFLICT (job_id) DO UPDATE SET
            wait_seconds = excluded.wait_seconds,
            run_seconds = excluded.run_seconds,
            gpu_seconds = excluded.gpu_seconds,
            cpu_seconds = excluded.cpu_seconds,
            memory_mib_seconds = excluded.memory_mib_seconds,
            recorded_at = excluded.recorded_at
        """;

    private const string TeamUsageSql = """
        INSERT INTO team_usage (team, gpu_seconds, cpu_seconds, as_of) VALUES ($team, $gpu_seconds, $cpu_seconds, $as_of)
        ON CONFLICT (team) DO UPDATE SET gpu_seconds = excluded.gpu_seconds, cpu_seconds = excluded.cpu_seconds, as_of = excluded.as_of
        """;

    private const string SampleColumns = "minute, simulated, gpus, cpu_millicores, memory_mib, gpu_utilisation_pct, gpu_memory_used_mib";

    private const string SampleValues = "$minute, $simulated, $gpus, $cpu_millicores, $memory_mib, $gpu_utilisation_pct, $gpu_memory_used_mib";

    private const string SampleUpdates = """
        gpus = excluded.gpus, cpu_millicores = excluded.cpu_millicores, memory_mib = excluded.memory_mib,
        gpu_utilisation_pct = excluded.gpu_utilisation_pct, gpu_memory_used_mib = excluded.gpu_memory_used_mib
        """;

    private const string TeamSampleSql =
        $"INSERT INTO team_utilisation_samples (team, {SampleColumns}) VALUES ($subject, {SampleValues}) ON CONFLICT (team, minute, simulated) DO UPDATE SET {SampleUpdates}";

    private const string UserSampleSql =
        $"INSERT INTO user_utilisation_samples (user_name, {SampleColumns}) VALUES ($subject, {SampleValues}) ON CONFLICT (user_name, minute, simulated) DO UPDATE SET {SampleUpdates}";

    private static readonly string[] SampleParameters =
        ["$subject", "$minute", "$simulated", "$gpus", "$cpu_millicores", "$memory_mib", "$gpu_utilisation_pct", "$gpu_memory_used_mib"];

    private readonly PreparedStatement jobUsage;
    private readonly PreparedStatement teamUsage;
    private readonly PreparedStatement teamSample;
    private readonly PreparedStatement userSample;

    public UsageWrites(SqliteConnection connection)
        : base(connection)
    {
        jobUsage = Prepare(JobUsageSql, "$job_id", "$wait_seconds", "$run_seconds", "$gpu_seconds", "$cpu_seconds", "$memory_mib_seconds", "$recorded_at");
        teamUsage = Prepare(TeamUsageSql, "$team", "$gpu_seconds", "$cpu_seconds", "$as_of");
        teamSample = Prepare(TeamSampleSql, SampleParameters);
        userSample = Prepare(UserSampleSql, SampleParameters);
    }

    public void RecordJob(JobUsage usage) =>
        jobUsage.Bind("$job_id", usage.Job.Value)
            .Bind("$wait_seconds", usage.WaitSeconds)
            .Bind("$run_seconds", usage.RunSeconds)
            .Bind("$gpu_seconds", usage.GpuSeconds)
            .Bind("$cpu_seconds", usage.CpuSeconds)
            .Bind("$memory_mib_seconds", usage.MemoryMiBSeconds)
            .Bind("$recorded_at", UtcTimestamp.ToStored(usage.RecordedAt))
            .Run();

    public void SetTeam(TeamUsage usage) =>
        teamUsage.Bind("$team", usage.Team)
            .Bind("$gpu_seconds", usage.GpuSeconds)
            .Bind("$cpu_seconds", usage.CpuSeconds)
            .Bind("$as_of", UtcTimestamp.ToStored(usage.AsOf))
            .Run();

    public void SampleTeam(UtilisationSample sample) => Sample(teamSample, sample);

    public void SampleUser(UtilisationSample sample) => Sample(userSample, sample);

    private static void Sample(PreparedStatement statement, UtilisationSample sample) =>
        statement.Bind("$subject", sample.Subject)
            .Bind("$minute", UtcTimestamp.ToStored(sample.Minute))
            .Bind("$simulated", sample.Simulated)
            .Bind("$gpus", (long)sample.Gpus)
            .Bind("$cpu_millicores", sample.CpuMillicores)
            .Bind("$memory_mib", sample.MemoryMiB)
            .Bind("$gpu_utilisation_pct", sample.GpuUtilisationPct)
            .Bind("$gpu_memory_used_mib", sample.GpuMemoryUsedMiB)
            .Run();
}
