using Dashboard.Data.Writing;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Elastic;

/// <summary>The write side of elastic_pools: whether an admin paused a pool's scaling.</summary>
internal sealed class ElasticPoolWrites : StatementGroup
{
    private const string SetPausedSql = """
        INSERT INTO elastic_pools (name, paused, updated_at) VALUES ($name, $paused, $at)
        ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, updated_at = excluded.updated_at
        """;

    private readonly PreparedStatement setPaused;

    public ElasticPoolWrites(SqliteConnection connection)
        : base(connection)
    {
        setPaused = Prepare(SetPausedSql, "$name", "$paused", "$at");
    }

    public void SetPaused(string pool, bool paused, DateTimeOffset at) =>
        setPaused.Bind("$name", pool).Bind("$paused", paused).Bind("$at", UtcTimestamp.ToStored(at)).Run();
}
