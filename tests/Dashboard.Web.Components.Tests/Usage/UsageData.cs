using Dashboard.Data;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Inventory;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Usage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Components.Tests.Usage;

/// <summary>A real SQLite file holding 10 days of demo history on two 4-GPU demo nodes, and the reports the usage page reads.</summary>
public sealed class UsageData : IDisposable
{
    public static readonly DateTimeOffset Now = new(2026, 11, 28, 14, 37, 0, TimeSpan.Zero);

    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-usage-").FullName;

    public UsageData()
    {
        Database = Database.Open(new DatabaseOptions { DataFolder = folder, Synchronous = SqliteSynchronous.Off }, Time);
        Store = new UsageHistoryStore(Database);
        using var writer = new ClusterWriter(Database);
        Nodes = [.. LocalHostInventory.DemoNodes(new DemoNodeOptions { Count = 2, GpusPerNode = 4 })];
        DemoHistorySeeding.Seed(writer, Store, Nodes, 10, Now);
    }

    public FakeTimeProvider Time { get; } = new(Now);

    public Database Database { get; }

    public UsageHistoryStore Store { get; }

    public IReadOnlyList<Node> Nodes { get; }

    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(sp => new UsageReports(Store, sp.GetRequiredService<ClusterFeed>(), new UsageOptions(), Time));
    }

    public void Dispose()
    {
        Database.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
