using Dapper;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Schema;

/// <summary>
/// Reads an existing database's applied migrations through a read-only connection and decides whether this
/// build may use it. Nothing is written: a refused file stays byte-for-byte as it was.
/// </summary>
internal static class SchemaInspection
{
    private const string TableNamesSql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'";

    private const string AppliedSql = "SELECT version AS Version, checksum AS Checksum FROM schema_version ORDER BY version";

    /// <summary>The version of the file (0 for an empty one); throws <see cref="IncompatibleDatabaseException"/> when it must not be touched.</summary>
    public static int Check(string filePath, IReadOnlyList<Migration> known)
    {
        using var connection = new SqliteConnection(ReadOnlyConnectionString(filePath));
        connection.Open();
        var tables = connection.Query<string>(TableNamesSql).ToHashSet(StringComparer.Ordinal);
        if (!tables.Contains(MigrationRunner.VersionTable))
        {
            return tables.Count == 0
                ? 0
                : throw new IncompatibleDatabaseException(
                    $"{filePath} is not a Compute Dashboard database (it has tables but no {MigrationRunner.VersionTable}); move it away or point DataFolder elsewhere.");
        }

        var applied = connection.Query<AppliedMigration>(AppliedSql).ToList();
        var latest = known[^1].Version;
        var version = applied.Count == 0 ? 0 : checked((int)applied[^1].Version);
        if (version > latest)
        {
            throw new IncompatibleDatabaseException(
                $"database schema version {version} is newer than this build knows ({latest}); upgrade the dashboard or restore a backup. The file {filePath} was not changed.");
        }

        for (var i = 0; i < applied.Count; i++)
        {
            if (applied[i].Version != i + 1)
            {
                throw new IncompatibleDatabaseException(
                    $"{filePath} records schema versions with a gap (version {i + 1} is missing); restore a backup.");
            }

            var migration = known[i];
            if (!string.Equals(applied[i].Checksum, migration.Checksum, StringComparison.Ordinal))
            {
                throw new IncompatibleDatabaseException(
                    $"migration {migration.FileName} differs from the one applied to {filePath}; applied migrations must never be edited, restore the original file and add a new numbered one instead.");
            }
        }

        return version;
    }

    /// <summary>
    /// Without a -wal file the last connection closed cleanly and everything is in the main file: open it as
    /// immutable, so SQLite creates no -wal or -shm beside it. With one, the side files already exist (a crash, or
    /// another process has it open) and a plain read-only connection reads through them without checkpointing.
    /// </summary>
    private static string ReadOnlyConnectionString(string filePath)
    {
        var dataSource = File.Exists(filePath + "-wal") ? filePath : new Uri(filePath).AbsoluteUri + "?immutable=1";
        return new SqliteConnectionStringBuilder { DataSource = dataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
    }

    private sealed record AppliedMigration(long Version, string Checksum);
}
