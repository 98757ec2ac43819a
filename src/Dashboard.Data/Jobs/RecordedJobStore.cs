using Dapper;
using Dashboard.Scheduling.Replays;

namespace Dashboard.Data.Jobs;

/// <summary>
/// The finished jobs of a period as the replay engine needs them: what they asked for, when they were submitted and
/// how long their last run really took (from its start to its end), for "replay the last 30 days with these quotas".
/// </summary>
public sealed class RecordedJobStore(Database database)
{
    private const string EndedSinceSql = $"""
        SELECT {JobRow.Columns} FROM jobs j
        WHERE j.submitted_at >= $from AND j.state IN ('Succeeded', 'Failed', 'Cancelled', 'TimedOut')
          AND j.started_at IS NOT NULL AND j.ended_at IS NOT NULL
        ORDER BY j.submitted_at, j.id
        LIMIT $limit
        """;

    /// <summary>At most this many jobs are replayed (the newest beyond it are left out).</summary>
    public const int MaxJobs = 200_000;

    /// <summary>The jobs submitted at or after <paramref name="from"/> that ran and ended, oldest first.</summary>
    public IReadOnlyList<ReplayJob> EndedSince(DateTimeOffset from)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<JobRow>(EndedSinceSql, new { from = UtcTimestamp.ToStored(from), limit = MaxJobs })
            .Select(r => r.ToRecord())
            .Select(r => new ReplayJob(r.Job, r.EndedAt!.Value - r.StartedAt!.Value))];
    }
}
