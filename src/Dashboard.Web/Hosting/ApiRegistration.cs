using System.Globalization;
using System.Threading.RateLimiting;
using Dashboard.Api.Contracts;
using Dashboard.Web.Api;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;
using Dashboard.Web.Jobs;
using Dashboard.Web.Quotas;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Dashboard.Web.Hosting;

/// <summary>
/// The REST API under <c>/api/v1</c>: problem details for every error, the OpenAPI document at
/// <c>/openapi/v1.json</c> and its reference page at <c>/scalar/v1</c> (both public: they describe the API, every
/// operation still needs sign-in or a token), and the per-user submit rate limit.
/// </summary>
public static class ApiRegistration
{
    public static IServiceCollection AddDashboardApi(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new ApiOptions();
        services.AddSingleton(options);
        services.AddProblemDetails();
        services.AddSingleton<IStartupFilter, ApiErrorPages>();
        services.AddOpenApi("v1", openApi =>
        {
            openApi.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            openApi.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Compute Dashboard API",
                    Version = "v1",
                    Description = "Submit, list, follow and cancel jobs; read the cluster, its nodes and the teams' quotas; set quotas (admins). "
                        + "Sign in with a personal API token (create one at /account/tokens) sent as `Authorization: Bearer dash_...`, or with the "
                        + "dashboard's cookie. CPU is in cores and memory in GiB (decimals allowed); times are ISO 8601 UTC. Errors are RFC 7807 "
                        + "problem details; invalid fields are listed under `errors` (422).",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes["token"] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "A personal API token from /account/tokens (dash_...).",
                };
                document.Security ??= [];
                document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("token", document)] = [] });
                return Task.CompletedTask;
            });
        });

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(JobEndpoints.SubmitRateLimitPolicy, context => RateLimitPartition.GetTokenBucketLimiter(
                SignedInUser.From(context.User)?.Name ?? "",
                _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, options.SubmitBurst),
                    TokensPerPeriod = Math.Max(1, options.SubmitsPerPeriod),
                    ReplenishmentPeriod = options.SubmitPeriod > TimeSpan.Zero ? options.SubmitPeriod : TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            limiter.OnRejected = async (rejected, cancel) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.SubmitPeriod;
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ApiProblems.Problem(
                        StatusCodes.Status429TooManyRequests,
                        "Too many submits",
                        string.Create(CultureInfo.InvariantCulture, $"You may submit {options.SubmitBurst} jobs at once and {options.SubmitsPerPeriod} more every {options.SubmitPeriod.TotalSeconds:0.###} s; try again in {seconds} s. Nothing was submitted."))
                    .ExecuteAsync(rejected.HttpContext).ConfigureAwait(false);
            };
        });
        return services;
    }

    /// <summary>The rate limiter (after sign-in, which it partitions by), the API's endpoints and its documentation.</summary>
    public static WebApplication UseDashboardApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseRateLimiter();
        var api = app.MapGroup(ApiRoutes.Prefix).RequireAuthorization().DisableAntiforgery();
        api.MapJobEndpoints();
        api.MapJobControlEndpoints();
        api.MapJobEditEndpoints();
        Dashboard.Web.Jobs.Templates.JobTemplateEndpoints.MapJobTemplateEndpoints(api);
        api.MapSweepEndpoints();
        Dashboard.Web.Sessions.SessionApi.MapSessionEndpoints(api);
        Dashboard.Web.Reservations.ReservationApi.MapReservationEndpoints(api);
        api.MapClusterEndpoints();
        api.MapTeamEndpoints();
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(scalar => scalar.WithTitle("Compute Dashboard API")).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// Outermost, for <c>/api</c> paths only: an error status without a body (401 and 403 from sign-in, 404 for an
    /// unknown path, 405) gets a problem-details body, and an unhandled exception becomes a 500 problem instead of a
    /// dropped connection.
    /// </summary>
    private sealed class ApiErrorPages : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseWhen(context => context.Request.Path.StartsWithSegments("/api"), api =>
            {
                // A request the server could not read (a malformed chunked body, a body cut short) is the client's
                // mistake: its own status (400, 413, ...) as a problem, and no error-level stack trace in the log.
                api.UseExceptionHandler(new ExceptionHandlerOptions
                {
                    StatusCodeSelector = error => error is BadHttpRequestException unreadable ? unreadable.StatusCode : StatusCodes.Status500InternalServerError,
                    SuppressDiagnosticsCallback = context => context.Exception is BadHttpRequestException,
                });
                api.UseStatusCodePages(async pages =>
                {
                    var context = pages.HttpContext;
                    var status = context.Response.StatusCode;
                    var detail = status switch
                    {
                        StatusCodes.Status401Unauthorized => "Sign in first: send a personal API token as `Authorization: Bearer dash_...` (create one at /account/tokens). "
                            + (context.Items[ApiTokenAuthentication.FailureItem] is string failure ? failure : ""),
                        StatusCodes.Status403Forbidden => "Your role does not allow this.",
                        StatusCodes.Status404NotFound => $"There is no API endpoint {context.Request.Method} {context.Request.Path}.",
                        StatusCodes.Status405MethodNotAllowed => $"{context.Request.Method} is not allowed on {context.Request.Path}.",
                        _ => null,
                    };
                    await ApiProblems.Problem(status, ReasonPhrase(status), detail?.Trim() ?? ReasonPhrase(status)).ExecuteAsync(context).ConfigureAwait(false);
                });
            });
            next(app);
        };

        private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
    }
}
