using Dashboard.Engine.Execution;
using Dashboard.Slurm;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dashboard.Web.Hosting;

/// <summary>The Slurm backend from "Cluster:Slurm" (off by default), and its readiness check when it is on.</summary>
public static class SlurmHosting
{
    public static IServiceCollection AddSlurmCluster(this IServiceCollection services, IConfiguration configuration, string jobsRoot, LocalExecutorOptions executor)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(executor);
        var options = configuration.GetSection(SlurmOptions.Section).Get<SlurmOptions>() ?? new SlurmOptions();
        services.AddSlurmBackend(options, jobsRoot, executor.UnixUsers, executor.FallbackUnixUser);
        if (options.Enabled)
        {
            // Tagged like the other readiness checks (OperationsRegistration): /readyz names it.
            services.AddHealthChecks().AddCheck<SlurmHealthCheck>(SlurmHealthCheck.Name, tags: ["ready"]);
        }

        return services;
    }
}

/// <summary>
/// Readiness while Slurm does not answer: Degraded (the dashboard still serves, submits queue), with why and since when.
/// </summary>
public sealed class SlurmHealthCheck(SlurmStatus status) : IHealthCheck
{
    public const string Name = "slurm";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(status.Reachable
            ? HealthCheckResult.Healthy($"Slurm answers{(status.Release is { } release ? " (Slurm " + release + ")" : string.Empty)}")
            : HealthCheckResult.Degraded($"Slurm unreachable since {status.UnreachableSince:u}: {status.Problem}; its nodes are Down and submits wait"));
}
