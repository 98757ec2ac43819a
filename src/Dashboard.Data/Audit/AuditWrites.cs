using Dapper;
using Dashboard.Data.Writing;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Audit;

/// <summary>The write side of the append-only audit_log.</summary>
internal sealed class AuditWrites : StatementGroup
{
    internal const string AppendSql = """
        INSERT INTO audit_log (at, actor, action, target, before_json, after_json)
        VALUES ($at, $actor, $action, $target, $before_json, $after_json)
        """;

    private readonly PreparedStatement append;

    /// <summary>Appends <paramref name="entry"/> inside a store's own transaction (the stores that write beside the engine's journal).</summary>
    public static void AppendWithin(SqliteConnection connection, SqliteTransaction transaction, AuditEntry entry) =>
        connection.Execute(AppendSql, new
        {
            at = entry.At,
            actor = entry.Actor,
            action = entry.Action,
            target = entry.Target,
            before_json = entry.BeforeJson,
            after_json = entry.AfterJson,
        }, transaction);

    public AuditWrites(SqliteConnection connection)
        : base(connection)
    {
        append = Prepare(AppendSql, "$at", "$actor", "$action", "$target", "$before_json", "$after_json");
    }

    public void Append(AuditEntry entry) =>
        append.Bind("$at", UtcTimestamp.ToStored(entry.At))
            .Bind("$actor", entry.Actor)
            .Bind("$action", entry.Action)
            .Bind("$target", entry.Target)
            .Bind("$before_json", entry.BeforeJson)
            .Bind("$after_json", entry.AfterJson)
            .Run();
}
