using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Schema;

/// <summary>
/// Applies the migrations a database lacks, in version order, each in its own transaction together with its
/// row in <see cref="VersionTable"/>: a migration is either wholly applied and recorded, or not at all.
/// </summary>
internal static class MigrationRunner
{
    public const string VersionTable = "schema_version";

    private const string CreateVersionTableSql = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER NOT NULL PRIMARY KEY,
            name        TEXT    NOT NULL,
            checksum    TEXT    NOT NULL,
            applied_at  INTEGER NOT NULL
        ) STRICT
        """;

    private const string IsAppliedSql = "SELECT COUNT(*) FROM schema_version WHERE version = $version";

    private const string RecordSql = "INSERT INTO schema_version (version, name, checksum, applied_at) VALUES ($version, $name, $checksum, $applied_at)";

    /// <summary>Applies what is missing and returns the resulting version.</summary>
    public static int Apply(SqliteConnection connection, IReadOnlyList<Migration> migrations, TimeProvider time)
    {
        foreach (var migration in migrations)
        {
            using var transaction = connection.BeginTransaction();
            Execute(connection, transaction, CreateVersionTableSql);
            using (var check = Command(connection, transaction, IsAppliedSql))
            {
                check.Parameters.AddWithValue("$version", migration.Version);
                if ((long)check.ExecuteScalar()! > 0)
                {
                    continue;
                }
            }

            try
            {
                Execute(connection, transaction, migration.Sql);
            }
            catch (SqliteException ex)
            {
                throw new InvalidOperationException($"Migration {migration.FileName} failed and was rolled back: {ex.Message}", ex);
            }

            using (var record = Command(connection, transaction, RecordSql))
            {
                record.Parameters.AddWithValue("$version", migration.Version);
                record.Parameters.AddWithValue("$name", migration.Name);
                record.Parameters.AddWithValue("$checksum", migration.Checksum);
                record.Parameters.AddWithValue("$applied_at", UtcTimestamp.ToStored(time.GetUtcNow()));
                record.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        return migrations[^1].Version;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = Command(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

#pragma warning disable CA2100 // The text is a constant of this class or a migration file shipped inside this assembly.
    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql) =>
        new(sql, connection, transaction);
#pragma warning restore CA2100
}
