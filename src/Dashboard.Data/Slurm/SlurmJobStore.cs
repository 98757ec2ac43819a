using Dapper;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Slurm;

/// <summary>A dashboard job and the Slurm job it was submitted as.</summary>
public sealed record SlurmJobLink(JobId Job, long SlurmJobId, string Node, DateTimeOffset SubmittedAt);

/// <summary>
/// Which Slurm job each dashboard job runs as (table slurm_jobs). The Slurm executor writes a link the moment Slurm
/// accepts a submit, before anything else can happen to it, and reads the links back after a restart.
/// </summary>
public sealed class SlurmJobStore(Database database)
{
    private const string SaveSql = """
        INSERT INTO slurm_jobs (job_id, slurm_job_id, node, submitted_at) VALUES ($job, $slurm, $node, $at)
        ON CONFLICT (job_id) DO UPDATE SET slurm_job_id = excluded.slurm_job_id, node = excluded.node, submitted_at = excluded.submitted_at
        """;

    private const string FindSql = "SELECT job_id AS Job, slurm_job_id AS SlurmJobId, node AS Node, submitted_at AS SubmittedAt FROM slurm_jobs WHERE job_id = $job";

    private const string NodeSql = "SELECT EXISTS (SELECT 1 FROM slurm_jobs WHERE node = $node)";

    /// <summary>Records (or, for a job submitted again, replaces) the Slurm job of <paramref name="link"/>'s job.</summary>
    public void Save(SlurmJobLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        using var connection = database.OpenConnection();
        connection.Execute(SaveSql, new { job = link.Job.Value, slurm = link.SlurmJobId, node = link.Node, at = UtcTimestamp.ToStored(link.SubmittedAt) });
    }

    /// <summary>The Slurm job <paramref name="job"/> was last submitted as; null when it never reached Slurm.</summary>
    public SlurmJobLink? Find(JobId job)
    {
        using var connection = database.OpenConnection();
        var row = connection.QuerySingleOrDefault<(long Job, long SlurmJobId, string Node, long SubmittedAt)?>(FindSql, new { job = job.Value });
        return row is { } r ? new SlurmJobLink(new JobId(r.Job), r.SlurmJobId, r.Node, UtcTimestamp.FromStored(r.SubmittedAt)) : null;
    }

    /// <summary>Whether a job was ever sent to Slurm on <paramref name="node"/> (a Slurm node, before its first poll after a restart).</summary>
    public bool EverRanOn(string node)
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<bool>(NodeSql, new { node });
    }
}
