using Dapper;
using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Allocations;

/// <summary>Reads reservations (current and past) and the GPUs held now. Writes go through <see cref="Writing.ClusterWriter"/>.</summary>
public sealed class AllocationStore(Database database)
{
    private const string Columns = """
        a.attempt AS AllocationAttempt, a.job_id AS AllocationJobId, a.node AS AllocationNode, a.gpu_indices AS AllocationGpuIndices,
        a.cpu_millicores AS AllocationCpuMillicores, a.memory_mib AS AllocationMemoryMiB, a.borrowing AS AllocationBorrowing,
        a.started_at AS AllocationStartedAt, a.expected_end_at AS AllocationExpectedEndAt, a.released_at AS AllocationReleasedAt
        """;

    private const string CurrentSql = $"SELECT {Columns} FROM allocations a WHERE a.released_at IS NULL ORDER BY a.job_id";

    private const string ForJobSql = $"SELECT {Columns} FROM allocations a WHERE a.job_id = $job ORDER BY a.attempt";

    private const string HeldSql = "SELECT node AS Node, gpu_index AS GpuIndex, job_id AS JobId FROM held_gpus ORDER BY node, gpu_index";

    private const string RunningJobsSql = $"""
        SELECT {JobRow.Columns}, {Columns}
        FROM jobs j JOIN allocations a ON a.job_id = j.id AND a.released_at IS NULL
        WHERE j.state IN ('Pending', 'Running') AND j.state = 'Running'
        ORDER BY j.id
        """;

    private const string RunningWithoutAllocationSql = """
        SELECT j.id FROM jobs j
        WHERE j.state IN ('Pending', 'Running') AND j.state = 'Running' AND NOT EXISTS (SELECT 1 FROM allocations a WHERE a.job_id = j.id AND a.released_at IS NULL)
        """;

    private const string AllocatedButNotRunningSql = """
        SELECT a.job_id FROM allocations a JOIN jobs j ON j.id = a.job_id
        WHERE a.released_at IS NULL AND j.state <> 'Running'
        """;

    /// <summary>Every reservation not yet released, by job id.</summary>
    public IReadOnlyList<AllocationRecord> Current()
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<AllocationRow>(CurrentSql).Select(r => r.ToRecord())];
    }

    /// <summary>Every reservation a job has had, oldest first (a requeued job has several).</summary>
    public IReadOnlyList<AllocationRecord> ForJob(JobId job)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<AllocationRow>(ForJobSql, new { job = job.Value }).Select(r => r.ToRecord())];
    }

    /// <summary>The GPUs held right now, by node and index.</summary>
    public IReadOnlyList<HeldGpu> HeldGpus()
    {
        using var connection = database.OpenConnection();
        return HeldGpus(connection, null);
    }

    internal static List<HeldGpu> HeldGpus(SqliteConnection connection, SqliteTransaction? transaction) =>
        [.. connection.Query<HeldGpuRow>(HeldSql, transaction: transaction).Select(r => new HeldGpu(r.Node, checked((int)r.GpuIndex), new JobId(r.JobId)))];

    /// <summary>Running jobs with their current allocation and borrowing flag.</summary>
    internal static List<RunningJob> RunningJobs(SqliteConnection connection, SqliteTransaction? transaction) =>
        [.. connection.Query<JobRow, AllocationRow, RunningJob>(
            RunningJobsSql,
            (job, allocation) => new RunningJob(job.ToJob(), allocation.ToAllocation(), allocation.AllocationBorrowing != 0),
            transaction: transaction,
            splitOn: nameof(AllocationRow.AllocationAttempt))];

    /// <summary>Jobs stored as Running that hold no allocation, and allocations held by jobs that are not Running.</summary>
    internal static (List<long> RunningWithoutAllocation, List<long> AllocatedButNotRunning) Mismatches(SqliteConnection connection, SqliteTransaction? transaction) =>
        ([.. connection.Query<long>(RunningWithoutAllocationSql, transaction: transaction)],
         [.. connection.Query<long>(AllocatedButNotRunningSql, transaction: transaction)]);

    private sealed class HeldGpuRow
    {
        public string Node { get; set; } = "";

        public long GpuIndex { get; set; }

        public long JobId { get; set; }
    }
}
