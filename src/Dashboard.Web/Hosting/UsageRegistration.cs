using Dashboard.Data;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Inventory;
using Dashboard.Engine.Usage;
using Dashboard.Web.Usage;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Utilisation history from the "Usage" section of appsettings.json: the store, the per-minute sampler (with
/// nvidia-smi readings when this host is a node), the reports behind the page, CSV and API, and, when
/// <see cref="UsageOptions.DemoHistoryDays"/> is above 0, the demo history written before the engine's first load.
/// The demo history is a <see cref="ClusterStateSourceLayer"/>: this may be called before or after
/// <see cref="EngineRegistration.AddComputeEngine"/>.
/// </summary>
public static class UsageRegistration
{
    public static IServiceCollection AddUsageHistory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(UsageOptions.Section).Get<UsageOptions>() ?? new UsageOptions();
        if (options.Problem() is { } problem)
        {
            throw new InvalidOperationException("appsettings.json: " + problem);
        }

        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        services.AddSingleton(options);
        services.AddSingleton(sp => new UsageHistoryStore(sp.GetRequiredService<Database>()));
        services.AddSingleton<IGpuReadingSource>(cluster.LocalNode.Enabled
            ? new NvidiaSmiGpuReadings(cluster.LocalNode.NvidiaSmiPath, LocalHostInventory.LocalNodeName(cluster.LocalNode))
            : new NoGpuReadings());
        services.AddSingleton<UsageSampler>();
        if (options.Enabled)
        {
            services.AddHostedService(sp => sp.GetRequiredService<UsageSampler>());
        }

        services.AddSingleton<UsageReports>();

        if (options.DemoHistoryDays > 0 && cluster.DemoNodes.Enabled)
        {
            var demoNodes = LocalHostInventory.DemoNodes(cluster.DemoNodes).ToList();
            services.AddSingleton(new ClusterStateSourceLayer((sp, inner) => new DemoHistorySeeding(
                inner,
                sp.GetRequiredService<ClusterWriter>(),
                sp.GetRequiredService<UsageHistoryStore>(),
                demoNodes,
                options.DemoHistoryDays,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<DemoHistorySeeding>>())));
        }

        return services;
    }
}
