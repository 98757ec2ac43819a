using Dapper;

namespace Dashboard.Data.Audit;

/// <summary>A stored audit entry with its sequence number.</summary>
public sealed record AuditRecord(long Id, AuditEntry Entry);

/// <summary>Reads the audit log, newest first. Entries are appended through <see cref="Writing.ClusterWriter"/> and never changed.</summary>
public sealed class AuditStore(Database database)
{
    private const string Columns = "id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, before_json AS BeforeJson, after_json AS AfterJson";

    private const string RecentSql = $"SELECT {Columns} FROM audit_log ORDER BY id DESC LIMIT $limit";

    private const string ForTargetSql = $"SELECT {Columns} FROM audit_log WHERE target = $target ORDER BY id DESC LIMIT $limit";

    public IReadOnlyList<AuditRecord> Recent(int limit = 100)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<AuditRow>(RecentSql, new { limit }).Select(r => r.ToRecord())];
    }

    public IReadOnlyList<AuditRecord> ForTarget(string target, int limit = 100)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<AuditRow>(ForTargetSql, new { target, limit }).Select(r => r.ToRecord())];
    }

    private sealed class AuditRow
    {
        public long Id { get; set; }

        public DateTimeOffset At { get; set; }

        public string Actor { get; set; } = "";

        public string Action { get; set; } = "";

        public string Target { get; set; } = "";

        public string? BeforeJson { get; set; }

        public string? AfterJson { get; set; }

        public AuditRecord ToRecord() => new(Id, new AuditEntry(At, Actor, Action, Target, BeforeJson, AfterJson));
    }
}
