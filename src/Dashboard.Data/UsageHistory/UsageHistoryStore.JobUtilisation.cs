using Dashboard.Data.Writing;

namespace Dashboard.Data.UsageHistory;

/// <summary>Per-job GPU utilisation: one row per job GPU per minute, written with the minute's other samples.</summary>
public sealed partial class UsageHistoryStore
{
    private const string JobSampleSql = """
        INSERT INTO job_utilisation_samples (job_id, minute, gpu_index, utilisation_pct, memory_used_mib, memory_total_mib, simulated)
        VALUES ($job, $minute, $gpu, $pct, $used, $total, $simulated)
        ON CONFLICT (job_id, minute, gpu_index) DO UPDATE SET
            utilisation_pct = excluded.utilisation_pct, memory_used_mib = excluded.memory_used_mib,
            memory_total_mib = excluded.memory_total_mib, simulated = excluded.simulated
        """;

    private const string JobUtilisationSql = """
        SELECT minute, gpu_index, utilisation_pct, memory_used_mib, memory_total_mib, simulated
        FROM job_utilisation_samples WHERE job_id = $job ORDER BY minute, gpu_index
        """;

    /// <summary>Every stored reading of one job's GPUs, oldest first (by minute, then GPU index); empty when none.</summary>
    public IReadOnlyList<JobUtilisationSample> JobUtilisation(long jobId)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = JobUtilisationSql;
        command.Parameters.AddWithValue("$job", jobId);
        using var reader = command.ExecuteReader();
        var samples = new List<JobUtilisationSample>();
        while (reader.Read())
        {
            samples.Add(new JobUtilisationSample(
                jobId,
                UtcTimestamp.FromStored(reader.GetInt64(0)),
                reader.GetInt32(1),
                reader.GetDouble(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5) != 0));
        }

        return samples;
    }

    private static void WriteJobSamples(PreparedStatement jobs, IReadOnlyList<JobUtilisationSample>? samples)
    {
        if (samples is null)
        {
            return;
        }

        foreach (var s in samples)
        {
            jobs.Bind("$job", s.JobId).Bind("$minute", UtcTimestamp.ToStored(s.Minute)).Bind("$gpu", (long)s.GpuIndex)
                .Bind("$pct", Math.Clamp(s.UtilisationPct, 0, 100)).Bind("$used", Math.Max(0, s.MemoryUsedMiB))
                .Bind("$total", Math.Max(0, s.MemoryTotalMiB)).Bind("$simulated", s.Simulated).Run();
        }
    }
}
