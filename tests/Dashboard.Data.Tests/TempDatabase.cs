using Dashboard.Data.Schema;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Data.Tests;

/// <summary>A real SQLite file in its own temporary folder, removed (with its pooled connections) after the test.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly List<Database> opened = [];

    public TempDatabase(SqliteSynchronous synchronous = SqliteSynchronous.Full)
    {
        Folder = Path.Combine(Path.GetTempPath(), "dashboard-data-tests", Guid.NewGuid().ToString("N"));
        Options = new DatabaseOptions { DataFolder = Path.Combine(Folder, "data"), Synchronous = synchronous };
    }

    /// <summary>Starts at a whole millisecond, as the database stores time.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public string Folder { get; }

    public DatabaseOptions Options { get; }

    public string FilePath => Options.FilePath;

    public Database Open(IReadOnlyList<Migration>? migrations = null)
    {
        var database = Database.Open(Options, Time, migrations ?? BundledMigrations.All);
        opened.Add(database);
        return database;
    }

    /// <summary>A plain connection to the file, for checks that go around the stores.</summary>
    public SqliteConnection Raw()
    {
        var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False;Foreign Keys=True");
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        foreach (var database in opened)
        {
            database.Dispose();
        }

        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A connection still open elsewhere; the temp folder is cleaned by the OS eventually.
        }
    }
}
