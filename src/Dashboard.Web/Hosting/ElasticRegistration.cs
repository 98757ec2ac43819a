using Dashboard.Engine.Elastic;
using Dashboard.Engine.Loop;
using Dashboard.Web.Elastic;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Elastic node pools from the "ElasticPools" section of appsettings.json: checked here, at start-up (every problem
/// listed, the host does not start), then handed to the engine loop with each pool's provider.
/// </summary>
public static class ElasticRegistration
{
    public static IServiceCollection AddElasticPools(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var pools = configuration.GetSection(ElasticPoolOptions.Section).Get<List<ElasticPoolOptions>>() ?? [];
        foreach (var pool in pools.Where(p => !string.IsNullOrEmpty(p.Command.Executable) && p.Command.Executable.Contains('/', StringComparison.Ordinal) && !Path.IsPathRooted(p.Command.Executable)))
        {
            // A relative path ("tools/provider.sh") is the repository's; a bare name is looked up on PATH.
            pool.Command.Executable = Path.GetFullPath(Path.Combine(contentRoot, pool.Command.Executable));
        }

        var errors = ElasticPoolOptions.Validate(pools);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The ElasticPools section of appsettings.json is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => " - " + e)));
        }

        services.AddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            return new ElasticScaling(
                pools,
                pool => pool.IsSimulated ? new SimulatedElasticProvider(pool.ProvisioningTime, time) : new CommandElasticProvider(pool.Command, contentRoot),
                sp.GetRequiredService<EngineInbox>(),
                time,
                sp.GetRequiredService<ILogger<ElasticScaling>>());
        });
        services.AddSingleton<EngineParticipant>(sp => sp.GetRequiredService<ElasticScaling>());
        services.AddSingleton<IElasticPoolCommands, EngineElasticPoolCommands>();
        return services;
    }
}
