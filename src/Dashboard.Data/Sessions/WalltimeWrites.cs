using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Sessions;

/// <summary>A running job's walltime was extended: its new walltime, and the new expected end of its current allocation.</summary>
public sealed record WalltimeExtended(JobId Job, TimeSpan Walltime, DateTimeOffset ExpectedEnd) : ClusterChange;

/// <summary>The write side of an extension: the job's walltime and its current allocation's expected end, together.</summary>
internal sealed class WalltimeWrites : StatementGroup
{
    private const string WalltimeSql = "UPDATE jobs SET walltime_ms = $walltime_ms WHERE id = $job_id AND state IN ('Pending', 'Running') AND state = 'Running'";

    private const string ExpectedEndSql = "UPDATE allocations SET expected_end_at = $expected_end_at WHERE job_id = $job_id AND released_at IS NULL";

    private readonly PreparedStatement walltime;
    private readonly PreparedStatement expectedEnd;

    public WalltimeWrites(SqliteConnection connection)
        : base(connection)
    {
        walltime = Prepare(WalltimeSql, "$job_id", "$walltime_ms");
        expectedEnd = Prepare(ExpectedEndSql, "$job_id", "$expected_end_at");
    }

    public void Extend(WalltimeExtended change)
    {
        var extended = walltime.Bind("$job_id", change.Job.Value).Bind("$walltime_ms", (long)change.Walltime.TotalMilliseconds).Run();
        var moved = expectedEnd.Bind("$job_id", change.Job.Value).Bind("$expected_end_at", UtcTimestamp.ToStored(change.ExpectedEnd)).Run();
        if (extended != 1 || moved != 1)
        {
            throw new InvalidOperationException($"Job {change.Job} is not running with an allocation, so its walltime cannot be extended.");
        }
    }
}
