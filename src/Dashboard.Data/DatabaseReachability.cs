using Microsoft.Data.Sqlite;

namespace Dashboard.Data;

/// <summary>
/// Whether the database file can be read right now, for readiness checks: a fresh, unpooled connection that may not
/// create the file (a missing file is a problem, not a new empty database) reads the schema version.
/// </summary>
public static class DatabaseReachability
{
    private const string SchemaVersionSql = "SELECT MAX(version) FROM schema_version";

    /// <summary>Null when the database answered with a schema version; otherwise what went wrong, in words.</summary>
    public static string? Problem(Database database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (!File.Exists(database.FilePath))
        {
            return $"the database file {database.FilePath} is missing";
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = database.FilePath,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, database.Options.BusyTimeoutMs / 1000),
        };
        try
        {
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SchemaVersionSql;
            return command.ExecuteScalar() is long ? null : "the database has no schema version";
        }
        catch (SqliteException error)
        {
            return "the database cannot be read: " + error.Message;
        }
    }
}
