using Dashboard.Engine.Metrics;
using Dashboard.Web.Operations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Dashboard.Web.Hosting;

/// <summary>
/// What operators and their tools meet: <c>/healthz</c> (the process answers), <c>/readyz</c> (the database answers
/// and the engine loop runs; a JSON body names each check), and <c>/metrics</c> (the engine's meter in Prometheus'
/// text format through OpenTelemetry's exporter, readable as <see cref="MetricsScrapeOptions"/> says).
/// </summary>
public static class OperationsRegistration
{
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";
    private const string ReadyTag = "ready";

    public static IServiceCollection AddOperations(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var scrape = configuration.GetSection(MetricsScrapeOptions.Section).Get<MetricsScrapeOptions>() ?? new MetricsScrapeOptions();
        _ = scrape.Networks();
        services.AddSingleton(scrape);
        services.AddSingleton<IAuthorizationHandler, MetricsScrapeHandler>();
        services.AddAuthorizationBuilder().AddPolicy(MetricsScrapeRequirement.Policy, policy => policy.AddRequirements(new MetricsScrapeRequirement()));

        services.AddSingleton<EngineMetrics>();
        services.AddOpenTelemetry().ConfigureResource(resource => resource.AddService("compute-dashboard")).WithMetrics(metrics => metrics.AddMeter(EngineMetrics.MeterName).AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));

        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>(DatabaseHealthCheck.Name, tags: [ReadyTag])
            .AddCheck<EngineLoopHealthCheck>(EngineLoopHealthCheck.Name, tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(HealthPath, () => "ok").AllowAnonymous();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = ReadinessReport.WriteAsync,
        }).AllowAnonymous();
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsScrapeRequirement.Policy);
        return endpoints;
    }
}
