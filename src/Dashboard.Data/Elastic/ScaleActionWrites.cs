using System.Text.Json;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Elastic;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Elastic;

/// <summary>The write side of elastic_scale_actions (append only); reads are in <see cref="ScaleActionStore"/>.</summary>
internal sealed class ScaleActionWrites : StatementGroup
{
    private const string AppendSql = """
        INSERT INTO elastic_scale_actions (at, pool, action, actor, nodes, reason, not_before)
        VALUES ($at, $pool, $action, $actor, $nodes, $reason, $not_before)
        """;

    private readonly PreparedStatement append;

    public ScaleActionWrites(SqliteConnection connection)
        : base(connection)
    {
        append = Prepare(AppendSql, "$at", "$pool", "$action", "$actor", "$nodes", "$reason", "$not_before");
    }

    public void Append(ScaleAction action) =>
        append.Bind("$at", UtcTimestamp.ToStored(action.At))
            .Bind("$pool", action.Pool)
            .Bind("$action", ScaleAction.NameOf(action.Kind))
            .Bind("$actor", action.Actor)
            .Bind("$nodes", JsonSerializer.Serialize(action.Nodes.IsDefault ? [] : action.Nodes.ToArray()))
            .Bind("$reason", action.Reason)
            .Bind("$not_before", UtcTimestamp.ToStored(action.NotBefore))
            .Run();
}
