using System.Globalization;
using Dashboard.Data.Schema;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data;

/// <summary>
/// The dashboard's SQLite file: created (with its folder) on first start, checked and migrated on every start,
/// and the source of connections configured the one way this project uses them (WAL, the configured
/// <c>synchronous</c>, a busy timeout, foreign keys on).
/// </summary>
public sealed class Database : IDisposable
{
    /// <summary>SQLite's default; every connection starts with it (pooled connections may have been changed by a writer).</summary>
    private const int DefaultWalAutocheckpointPages = 1000;

    private readonly string connectionString;
    private readonly string pragmas;

    private Database(DatabaseOptions options, string connectionString, int schemaVersion)
    {
        Options = options;
        this.connectionString = connectionString;
        SchemaVersion = schemaVersion;
        pragmas = string.Create(
            CultureInfo.InvariantCulture,
            $"PRAGMA foreign_keys = ON; PRAGMA synchronous = {options.Synchronous.ToString().ToUpperInvariant()}; PRAGMA busy_timeout = {options.BusyTimeoutMs}; PRAGMA wal_autocheckpoint = {DefaultWalAutocheckpointPages};");
    }

    public DatabaseOptions Options { get; }

    public string FilePath => Options.FilePath;

    /// <summary>The schema version after migration: the newest migration's number.</summary>
    public int SchemaVersion { get; }

    /// <summary>Opens (creating and migrating when needed) the database with the bundled migrations of <c>db/</c>.</summary>
    public static Database Open(DatabaseOptions options, TimeProvider time) => Open(options, time, BundledMigrations.All);

    /// <summary>
    /// Opens the database and applies the <paramref name="migrations"/> it lacks. Refuses, with
    /// <see cref="IncompatibleDatabaseException"/> and without writing a byte, a file whose schema is newer than
    /// the newest migration, whose applied migrations were edited since, or that is not a dashboard database.
    /// </summary>
    public static Database Open(DatabaseOptions options, TimeProvider time, IReadOnlyList<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(migrations);
        if (options.BusyTimeoutMs < 0)
        {
            throw new ArgumentException("BusyTimeoutMs must not be negative.", nameof(options));
        }

        DapperSettings.Apply();
        var path = options.FilePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        RestrictToOwner(path);
        if (File.Exists(path) && new FileInfo(path).Length > 0)
        {
            SchemaInspection.Check(path, migrations);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, options.BusyTimeoutMs / 1000),
        };
        var database = new Database(options, builder.ToString(), migrations[^1].Version);
        using var connection = database.OpenConnection();
        using (var wal = connection.CreateCommand())
        {
            // journal_mode is a property of the file: set once here, it holds for every later connection.
            wal.CommandText = "PRAGMA journal_mode = WAL";
            var mode = (string?)wal.ExecuteScalar();
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{path} could not be switched to WAL mode (it reports {mode}).");
            }
        }

        MigrationRunner.Apply(connection, migrations, time);
        return database;
    }

    /// <summary>
    /// Only the server's user may read or write the database: the file (created empty when missing, so SQLite keeps
    /// its mode) and its WAL and shared-memory files are 0600; the data folder lets others pass through to the jobs'
    /// folders inside it (0711) but not list it.
    /// </summary>
    private static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!File.GetUnixFileMode(folder).HasFlag(UnixFileMode.StickyBit))
        {
            // A shared folder such as /tmp (sticky) is left as it is.
            File.SetUnixFileMode(folder, ownerOnly | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        if (!File.Exists(path))
        {
            using var created = new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = ownerOnly });
        }

        foreach (var file in new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists))
        {
            File.SetUnixFileMode(file, ownerOnly);
        }
    }

    private long accountsVersion;

    /// <summary>
    /// Moves on after every committed change of accounts, team memberships or API tokens through this process's stores
    /// (<see cref="Users.UserStore"/>, <see cref="Tokens.ApiTokenStore"/>; only they write those tables): a cache of
    /// what was read while it had one value is exact while it still has it.
    /// </summary>
    public long AccountsVersion => Interlocked.Read(ref accountsVersion);

    /// <summary>Called by the account and token stores after each of their writes (committed or not: a spurious move only costs a read).</summary>
    public void AccountsChanged() => Interlocked.Increment(ref accountsVersion);

    /// <summary>An open connection with this database's pragmas applied. The caller disposes it (it returns to the pool).</summary>
    public SqliteConnection OpenConnection()
    {
        var connection = new SqliteConnection(connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
#pragma warning disable CA2100 // Built from an enum name and an integer in the constructor.
            command.CommandText = pragmas;
#pragma warning restore CA2100
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Closes the pooled idle connections of this file, so it can be moved or deleted.</summary>
    public void Dispose()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
