using System.Text;
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

    // The filters: fixed fragments, values only ever as parameters. LIKE patterns escape their own wildcards with '\'.
    private const string ActorFilter = "actor = $actor";
    private const string ActionFilter = "(action = $action OR substr(action, 1, length($actionPrefix)) = $actionPrefix)";
    private const string ActionPrefixFilter = "substr(action, 1, length($actionPrefix)) = $actionPrefix";
    private const string TargetFilter = "target LIKE $targetPattern ESCAPE '\\'";
    private const string FromFilter = "at >= $from";
    private const string ToFilter = "at < $to";

    private const string CountSql = "SELECT COUNT(*) FROM audit_log";
    private const string PageSql = $"SELECT {Columns} FROM audit_log";
    private const string NewestFirst = " ORDER BY id DESC";
    private const string PageLimit = " LIMIT $take OFFSET $skip";

    /// <summary>The largest page <see cref="Query"/> returns.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Entries matching <paramref name="query"/>, newest first: <paramref name="take"/> of them after skipping <paramref name="skip"/>, with the total that match.</summary>
    public AuditResults Query(AuditQuery query, int skip, int take)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        take = Math.Min(take, MaxPageSize);
        var (where, parameters) = Filter(query);
        parameters.Add("skip", skip);
        parameters.Add("take", take);
        using var connection = database.OpenConnection();
        var total = connection.ExecuteScalar<long>(CountSql + where, parameters);
        var records = connection.Query<AuditRow>(PageSql + where + NewestFirst + PageLimit, parameters).Select(r => r.ToRecord()).ToList();
        return new AuditResults(records, total);
    }

    /// <summary>Every entry matching <paramref name="query"/>, newest first, read as it is enumerated (for exports): enumerate it once.</summary>
    public IEnumerable<AuditRecord> Stream(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = Filter(query);
        using var connection = database.OpenConnection();
        foreach (var row in connection.Query<AuditRow>(PageSql + where + NewestFirst, parameters, buffered: false))
        {
            yield return row.ToRecord();
        }
    }

    private static (string Where, DynamicParameters Parameters) Filter(AuditQuery query)
    {
        var conditions = new List<string>();
        var parameters = new DynamicParameters();
        if (!string.IsNullOrEmpty(query.Actor))
        {
            conditions.Add(ActorFilter);
            parameters.Add("actor", query.Actor);
        }

        if (!string.IsNullOrEmpty(query.Action))
        {
            var prefixOnly = query.Action.EndsWith('.');
            conditions.Add(prefixOnly ? ActionPrefixFilter : ActionFilter);
            parameters.Add("action", query.Action);
            parameters.Add("actionPrefix", prefixOnly ? query.Action : query.Action + ".");
        }

        if (!string.IsNullOrEmpty(query.Target))
        {
            conditions.Add(TargetFilter);
            parameters.Add("targetPattern", "%" + EscapeLike(query.Target) + "%");
        }

        if (query.From is { } from)
        {
            conditions.Add(FromFilter);
            parameters.Add("from", UtcTimestamp.ToStored(from));
        }

        if (query.To is { } to)
        {
            conditions.Add(ToFilter);
            parameters.Add("to", UtcTimestamp.ToStored(to));
        }

        return (conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions), parameters);
    }

    private static string EscapeLike(string value)
    {
        var escaped = new StringBuilder(value.Length + 4);
        foreach (var c in value)
        {
            if (c is '%' or '_' or '\\')
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }

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
