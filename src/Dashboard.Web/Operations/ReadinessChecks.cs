using Dashboard.Data;
using Dashboard.Engine.Loop;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Dashboard.Web.Operations;

/// <summary>Ready only while the database file answers a query.</summary>
public sealed class DatabaseHealthCheck(Database database) : IHealthCheck
{
    public const string Name = "database";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(DatabaseReachability.Problem(database) is { } problem
            ? HealthCheckResult.Unhealthy(problem)
            : HealthCheckResult.Healthy("the database answers"));
}

/// <summary>Ready only while the engine loop has recovered its state and is taking commands.</summary>
public sealed class EngineLoopHealthCheck(EngineLoop engine) : IHealthCheck
{
    public const string Name = "engine";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = engine switch
        {
            { IsRunning: true } => HealthCheckResult.Healthy("the engine loop is running"),
            { Started.IsFaulted: true } => HealthCheckResult.Unhealthy("the engine failed to start: " + engine.Started.Exception?.GetBaseException().Message),
            { Started.IsCompletedSuccessfully: true } => HealthCheckResult.Unhealthy("the engine loop has stopped"),
            _ => HealthCheckResult.Unhealthy("the engine is starting"),
        };
        return Task.FromResult(result);
    }
}
