using System.Globalization;
using Dapper;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Allocations;

/// <summary>
/// The write side of allocations (every reservation, kept for history) and held_gpus (the GPUs held now, one
/// row per node and index: its primary key is what makes SQLite refuse a GPU held twice).
/// </summary>
internal sealed class AllocationWrites : StatementGroup
{
    private const string InsertSql = """
        INSERT INTO allocations (job_id, attempt, node, gpu_indices, cpu_millicores, memory_mib, borrowing, started_at, expected_end_at)
        VALUES ($job_id, (SELECT COUNT(*) + 1 FROM allocations WHERE job_id = $job_id),
                $node, $gpu_indices, $cpu_millicores, $memory_mib, $borrowing, $started_at, $expected_end_at)
        """;

    private const string HoldSql = "INSERT INTO held_gpus (node, gpu_index, job_id) VALUES ($node, $gpu_index, $job_id)";

    private const string ReleaseSql = "UPDATE allocations SET released_at = $at WHERE job_id = $job_id AND released_at IS NULL";

    // By node first: a primary-key prefix, so no index on job_id is needed. Runs before the allocation is marked released.
    private const string UnholdSql = """
        DELETE FROM held_gpus
        WHERE node = (SELECT node FROM allocations WHERE job_id = $job_id AND released_at IS NULL) AND job_id = $job_id
        """;

    private const string BorrowingSql = "UPDATE allocations SET borrowing = $borrowing WHERE job_id = $job_id AND released_at IS NULL";

    private const string CorrectSql = "UPDATE allocations SET gpu_indices = $gpu_indices WHERE job_id = $job_id AND node = $node AND released_at IS NULL";

    private const string HolderSql = "SELECT job_id FROM held_gpus WHERE node = $node AND gpu_index = $gpu_index";

    private const int SqliteConstraintPrimaryKey = 1555;

    private readonly PreparedStatement insert;
    private readonly PreparedStatement hold;
    private readonly PreparedStatement release;
    private readonly PreparedStatement unhold;
    private readonly PreparedStatement borrowing;
    private readonly PreparedStatement correct;

    public AllocationWrites(SqliteConnection connection)
        : base(connection)
    {
        insert = Prepare(InsertSql, "$job_id", "$node", "$gpu_indices", "$cpu_millicores", "$memory_mib", "$borrowing", "$started_at", "$expected_end_at");
        hold = Prepare(HoldSql, "$node", "$gpu_index", "$job_id");
        release = Prepare(ReleaseSql, "$job_id", "$at");
        unhold = Prepare(UnholdSql, "$job_id");
        borrowing = Prepare(BorrowingSql, "$job_id", "$borrowing");
        correct = Prepare(CorrectSql, "$job_id", "$node", "$gpu_indices");
    }

    public void Make(GpuAllocation allocation, bool isBorrowing)
    {
        var job = allocation.Job.Value;
        insert.Bind("$job_id", job)
            .Bind("$node", allocation.Node)
            .Bind("$gpu_indices", GpuIndexList.Format(allocation.GpuIndices))
            .Bind("$cpu_millicores", allocation.CpuMillicores)
            .Bind("$memory_mib", allocation.MemoryMiB)
            .Bind("$borrowing", isBorrowing)
            .Bind("$started_at", UtcTimestamp.ToStored(allocation.Start))
            .Bind("$expected_end_at", UtcTimestamp.ToStored(allocation.ExpectedEnd))
            .Run();
        hold.Bind("$node", allocation.Node).Bind("$job_id", job);
        foreach (var index in allocation.GpuIndices)
        {
            try
            {
                hold.Bind("$gpu_index", (long)index).Run();
            }
            catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintPrimaryKey)
            {
                var holder = Connection.ExecuteScalar<long?>(HolderSql, new { node = allocation.Node, gpu_index = index }, Transaction);
                throw new InvalidOperationException(
                    $"GPU {index} on {allocation.Node} is already held by job {holder}; job {allocation.Job} cannot take it.", ex);
            }
        }
    }

    public void Release(JobId job, DateTimeOffset at)
    {
        unhold.Bind("$job_id", job.Value).Run();
        var released = release.Bind("$job_id", job.Value).Bind("$at", UtcTimestamp.ToStored(at)).Run();
        if (released != 1)
        {
            throw new InvalidOperationException($"Job {job} holds no allocation to release.");
        }
    }

    /// <summary>
    /// Replaces running jobs' GPU indices on <paramref name="node"/>: first every one of them lets its GPUs go, then each
    /// takes its new ones (so jobs may swap GPUs; a GPU another job still holds is refused as in <see cref="Make"/>).
    /// </summary>
    public void Correct(string node, IReadOnlyList<(JobId Job, System.Collections.Immutable.ImmutableArray<int> GpuIndices)> corrections)
    {
        foreach (var (job, indices) in corrections)
        {
            if (correct.Bind("$job_id", job.Value).Bind("$node", node).Bind("$gpu_indices", GpuIndexList.Format(indices)).Run() != 1)
            {
                throw new InvalidOperationException($"Job {job} holds no allocation on {node}, so its GPUs cannot be corrected.");
            }

            unhold.Bind("$job_id", job.Value).Run();
        }

        foreach (var (job, indices) in corrections)
        {
            hold.Bind("$node", node).Bind("$job_id", job.Value);
            foreach (var index in indices)
            {
                try
                {
                    hold.Bind("$gpu_index", (long)index).Run();
                }
                catch (SqliteException ex) when (ex.SqliteExtendedErrorCode == SqliteConstraintPrimaryKey)
                {
                    var holder = Connection.ExecuteScalar<long?>(HolderSql, new { node, gpu_index = index }, Transaction);
                    throw new InvalidOperationException($"GPU {index} on {node} is already held by job {holder}; job {job} cannot take it.", ex);
                }
            }
        }
    }

    public void SetBorrowing(JobId job, bool isBorrowing)
    {
        if (borrowing.Bind("$job_id", job.Value).Bind("$borrowing", isBorrowing).Run() != 1)
        {
            throw new InvalidOperationException($"Job {job} holds no allocation, so its borrowing flag cannot change.");
        }
    }
}

/// <summary>The stored form of a list of GPU indices: "0,1,3" (empty for a job without GPUs).</summary>
internal static class GpuIndexList
{
    public static string Format(IEnumerable<int> indices) => string.Join(',', indices.Select(i => i.ToString(CultureInfo.InvariantCulture)));

    public static System.Collections.Immutable.ImmutableArray<int> Parse(string stored) =>
        stored.Length == 0
            ? []
            : [.. stored.Split(',').Select(s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture))];
}
