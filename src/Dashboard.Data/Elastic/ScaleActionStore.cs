using System.Collections.Immutable;
using System.Text.Json;
using Dapper;
using Dashboard.Scheduling.Elastic;

namespace Dashboard.Data.Elastic;

/// <summary>
/// Reads the elastic pools' scale history (elastic_scale_actions, db/0005). Entries are appended through
/// <see cref="Writing.ClusterWriter"/> (<see cref="Writing.ScaleActionRecorded"/>) and never changed.
/// </summary>
public sealed class ScaleActionStore(Database database)
{
    private const string Columns = "id AS Id, at AS At, pool AS Pool, action AS Action, actor AS Actor, nodes AS Nodes, reason AS Reason, not_before AS NotBefore";

    private const string ForPoolSql = $"SELECT {Columns} FROM elastic_scale_actions WHERE pool = $pool ORDER BY id DESC LIMIT $limit";

    // The newest $limit entries of every pool, oldest first (what the engine reads back at start-up).
    private const string LatestPerPoolSql = $"""
        SELECT {Columns} FROM (
            SELECT *, ROW_NUMBER() OVER (PARTITION BY pool ORDER BY id DESC) AS newness FROM elastic_scale_actions)
        WHERE newness <= $limit
        ORDER BY id
        """;

    /// <summary>The newest <paramref name="limit"/> actions of <paramref name="pool"/>, newest first.</summary>
    public IReadOnlyList<ScaleAction> ForPool(string pool, int limit = 50)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        using var connection = database.OpenConnection();
        return [.. connection.Query<ScaleActionRow>(ForPoolSql, new { pool, limit }).Select(r => r.ToAction())];
    }

    /// <summary>The newest <paramref name="perPool"/> actions of each pool, oldest first.</summary>
    public IReadOnlyList<ScaleAction> LatestPerPool(int perPool)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perPool);
        using var connection = database.OpenConnection();
        return [.. connection.Query<ScaleActionRow>(LatestPerPoolSql, new { limit = perPool }).Select(r => r.ToAction())];
    }

    private sealed class ScaleActionRow
    {
        public long Id { get; set; }

        public DateTimeOffset At { get; set; }

        public string Pool { get; set; } = "";

        public string Action { get; set; } = "";

        public string Actor { get; set; } = "";

        public string Nodes { get; set; } = "[]";

        public string Reason { get; set; } = "";

        public DateTimeOffset? NotBefore { get; set; }

        public ScaleAction ToAction() => new(
            At,
            Pool,
            ScaleAction.KindOf(Action),
            Actor,
            [.. JsonSerializer.Deserialize<string[]>(Nodes) ?? []],
            Reason,
            NotBefore);
    }
}
