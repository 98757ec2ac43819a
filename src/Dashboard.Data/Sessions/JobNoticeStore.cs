using Dapper;
using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Sessions;

/// <summary>What a notice is about: the idle policy warned, stopped, or flagged a job.</summary>
public enum JobNoticeKind
{
    IdleWarning,
    IdleStop,
    IdleFlag,
}

/// <summary>A message the dashboard showed a job's owner (the idle policy's), newest last.</summary>
public sealed record JobNotice(long Id, JobId Job, string Owner, DateTimeOffset At, JobNoticeKind Kind, string Message);

/// <summary>
/// The in-dashboard messages to jobs' owners (table <c>job_notices</c>, append-only): the session page and
/// <c>GET /api/v1/sessions/notices</c> read them. A notification outbox (email, webhook) can take them from here.
/// </summary>
public sealed class JobNoticeStore(Database database)
{
    private const string InsertSql = """
        INSERT INTO job_notices (job_id, owner, at, kind, message) VALUES ($job, $owner, $at, $kind, $message) RETURNING id
        """;

    private const string Columns = "id AS Id, job_id AS JobId, owner AS Owner, at AS At, kind AS Kind, message AS Message";

    private const string ForOwnerSql = $"SELECT {Columns} FROM job_notices WHERE owner = $owner ORDER BY id DESC LIMIT $limit";

    private const string ForJobSql = $"SELECT {Columns} FROM job_notices WHERE job_id = $job ORDER BY id";

    public JobNotice Append(JobId job, string owner, DateTimeOffset at, JobNoticeKind kind, string message)
    {
        using var connection = database.OpenConnection();
        var id = connection.ExecuteScalar<long>(InsertSql, new { job = job.Value, owner, at = UtcTimestamp.ToStored(at), kind = Stored(kind), message });
        return new JobNotice(id, job, owner, UtcTimestamp.Truncate(at), kind, message);
    }

    /// <summary>The newest notices of <paramref name="owner"/>, newest first.</summary>
    public IReadOnlyList<JobNotice> ForOwner(string owner, int limit = 50)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<NoticeRow>(ForOwnerSql, new { owner, limit }).Select(r => r.ToNotice())];
    }

    public IReadOnlyList<JobNotice> ForJob(JobId job)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<NoticeRow>(ForJobSql, new { job = job.Value }).Select(r => r.ToNotice())];
    }

    private static string Stored(JobNoticeKind kind) => kind switch
    {
        JobNoticeKind.IdleWarning => "idle-warning",
        JobNoticeKind.IdleStop => "idle-stop",
        _ => "idle-flag",
    };

    private sealed class NoticeRow
    {
        public long Id { get; set; }

        public long JobId { get; set; }

        public string Owner { get; set; } = "";

        public DateTimeOffset At { get; set; }

        public string Kind { get; set; } = "";

        public string Message { get; set; } = "";

        public JobNotice ToNotice() => new(Id, new JobId(JobId), Owner, At, Kind switch
        {
            "idle-warning" => JobNoticeKind.IdleWarning,
            "idle-stop" => JobNoticeKind.IdleStop,
            _ => JobNoticeKind.IdleFlag,
        }, Message);
    }
}
