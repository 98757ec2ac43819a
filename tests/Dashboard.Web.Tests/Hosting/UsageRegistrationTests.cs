using Dashboard.Data.UsageHistory;
using Dashboard.Engine.Loop;
using Dashboard.Web.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>The demo history wraps the engine's state source whichever of the two registrations comes first.</summary>
public sealed class UsageRegistrationTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-usage-registration-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_demo_history_is_written_before_the_first_load_in_either_registration_order(bool usageFirst)
    {
        await using var provider = Services(demoDays: 1, usageFirst);
        var store = provider.GetRequiredService<UsageHistoryStore>();
        store.HasHistory().Should().BeFalse();

        await provider.GetRequiredService<IClusterStateSource>().LoadAsync(TestContext.Current.CancellationToken);

        store.HasHistory().Should().BeTrue();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Without_demo_days_the_stored_state_loads_and_no_history_is_written(bool usageFirst)
    {
        await using var provider = Services(demoDays: 0, usageFirst);

        await provider.GetRequiredService<IClusterStateSource>().LoadAsync(TestContext.Current.CancellationToken);

        provider.GetRequiredService<UsageHistoryStore>().HasHistory().Should().BeFalse();
    }

    private ServiceProvider Services(int demoDays, bool usageFirst)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:DataFolder"] = folder,
            ["Cluster:LocalNode:Enabled"] = "false",
            ["Cluster:DemoNodes:Enabled"] = "true",
            ["Usage:Enabled"] = "false",
            ["Usage:DemoHistoryDays"] = demoDays.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build();
        var services = new ServiceCollection().AddLogging();
        if (usageFirst)
        {
            services.AddUsageHistory(configuration).AddComputeEngine(configuration, folder);
        }
        else
        {
            services.AddComputeEngine(configuration, folder).AddUsageHistory(configuration);
        }

        return services.BuildServiceProvider();
    }
}
