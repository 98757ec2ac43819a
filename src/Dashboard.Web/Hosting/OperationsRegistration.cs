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
    private static readonly string[] ReadMethods = [HttpMethods.Get, HttpMethods.Head];

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

    /// <summary>
    /// Before sign-in: a method other than GET or HEAD on <c>/healthz</c>, <c>/readyz</c> or <c>/metrics</c> is 405 for
    /// everyone (without this an anonymous caller got 401 from the fallback policy, and the endpoints answered any method).
    /// </summary>
    public static IApplicationBuilder UseReadOnlyOperations(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        var operation = path.Equals(HealthPath, StringComparison.OrdinalIgnoreCase) || path.Equals(ReadyPath, StringComparison.OrdinalIgnoreCase) || path.Equals(MetricsPath, StringComparison.OrdinalIgnoreCase);
        if (operation && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, HEAD";
            return;
        }

        await next(context).ConfigureAwait(false);
    });

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder endpoints)
    {
        // Read-only endpoints answer GET and HEAD; any other method is 405 (health checks and the exporter match every method otherwise).
        endpoints.MapMethods(HealthPath, ReadMethods, () => "ok").AllowAnonymous();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = ReadinessReport.WriteAsync,
        }).AllowAnonymous().WithMetadata(new HttpMethodMetadata(ReadMethods));
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireAuthorization(MetricsScrapeRequirement.Policy).WithMetadata(new HttpMethodMetadata(ReadMethods));
        return endpoints;
    }
}
