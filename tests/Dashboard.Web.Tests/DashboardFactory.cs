using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Dashboard.Engine.Execution;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests;

/// <summary>
/// The real app, with its data (SQLite file, job folders) in a temp folder of its own and only simulated demo nodes,
/// so tests never touch the repository's data folder nor run jobs on the test machine unasked.
/// </summary>
public sealed class DashboardFactory : WebApplicationFactory<Program>
{
    /// <summary>The name this host's node gets when <see cref="LocalNode"/> is on.</summary>
    public const string LocalNodeName = "test-host";

    /// <summary>Also make this host a node whose jobs really run (off by default).</summary>
    public bool LocalNode { get; init; }

    /// <summary>The clock the whole host runs on (e.g. a FakeTimeProvider); the system clock when null.</summary>
    public TimeProvider? Clock { get; init; }

    /// <summary>Changes to this host's services, applied after the app's own registrations.</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    /// <summary>Days of demo usage history written at the first start (none by default, so other tests see an empty history).</summary>
    public int UsageDemoHistoryDays { get; init; }

    /// <summary>
    /// Let appsettings.json's elastic pool grow and shrink, on timings short enough for a test (off by default: the pool
    /// is then configured with room for no node, so other tests see only the demo nodes).
    /// </summary>
    public bool ElasticPool { get; init; }

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("dashboard-web-").FullName;

    /// <summary>More settings (e.g. <c>Api:SubmitBurst</c>), applied after the ones above.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Completes when the demo accounts (admin, lead, alice, bob; see <see cref="DemoAccounts.All"/>) exist.</summary>
    public Task AccountsReady => Services.GetRequiredService<DemoAccounts>().Seeded;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.UseSetting("Database:DataFolder", DataFolder);
        builder.UseSetting("Cluster:LocalNode:Enabled", LocalNode ? "true" : "false");
        builder.UseSetting("Cluster:LocalNode:Name", LocalNodeName);
        builder.UseSetting("Cluster:LocalNode:NvidiaSmiPath", Path.Combine(DataFolder, "no-nvidia-smi-here"));
        builder.UseSetting("Cluster:DemoNodes:Count", "2");
        builder.UseSetting("Cluster:DemoNodes:GpusPerNode", "4");
        builder.UseSetting("Usage:DemoHistoryDays", UsageDemoHistoryDays.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (ElasticPool)
        {
            builder.UseSetting("ElasticPools:0:ScaleUpDelay", "00:00:00");
            builder.UseSetting("ElasticPools:0:ProvisioningTime", "00:00:00.300");
            builder.UseSetting("ElasticPools:0:ScaleDownCooldown", "00:00:01");
        }
        else
        {
            builder.UseSetting("ElasticPools:0:MaxNodes", "0");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (Clock is { } clock)
        {
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }

        if (TestServices is { } configure)
        {
            builder.ConfigureTestServices(configure);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        // Jobs outlive their server by design (a restart adopts them); this server's data goes now, so its jobs go too
        // (a test's sleeping job or notebook session would otherwise run on after the test run).
        await LeftoverJobs.EndAllAsync(Path.Combine(DataFolder, new LocalExecutorOptions().RecordsFolder), TimeSpan.FromSeconds(10));
        if (Directory.Exists(DataFolder))
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }
}
