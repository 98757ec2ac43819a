using Dapper;

namespace Dashboard.Data.Elastic;

/// <summary>Reads which elastic pools an admin paused. Writes go through <see cref="Writing.ClusterWriter"/>.</summary>
public sealed class ElasticPoolStore(Database database)
{
    private const string PausedSql = "SELECT name FROM elastic_pools WHERE paused = 1 ORDER BY name";

    /// <summary>The names of the paused pools.</summary>
    public IReadOnlySet<string> Paused()
    {
        ArgumentNullException.ThrowIfNull(database);
        using var connection = database.OpenConnection();
        return connection.Query<string>(PausedSql).ToHashSet(StringComparer.Ordinal);
    }
}
