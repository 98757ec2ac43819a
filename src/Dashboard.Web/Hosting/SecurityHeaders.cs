namespace Dashboard.Web.Hosting;

/// <summary>
/// The headers every response carries: <c>X-Content-Type-Options: nosniff</c>, <c>Referrer-Policy: same-origin</c>,
/// <c>X-Frame-Options: DENY</c>, and a Content-Security-Policy that allows what Blazor Server and MudBlazor need and
/// nothing else (scripts only from this origin, no <c>unsafe-eval</c>, no inline script; inline styles, which
/// MudBlazor's components set; the circuit's WebSocket to this origin; no framing, no plugins). The API reference page
/// (<c>/scalar</c>) runs the Scalar package's own inline start-up script, so it alone gets no policy.
/// Set when the response starts, so error pages (whose handler clears headers) carry them too.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
        + "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string ReferrerPolicy = "same-origin";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = ReferrerPolicy;
            // A session's server (docs/sessions.md) sends its own framing and script policy.
            var session = Dashboard.Web.Sessions.SessionProxyPath.SessionOf(http.Request.Path.Value) is not null;
            if (!session)
            {
                headers.XFrameOptions = "DENY";
            }

            if (!http.Request.Path.StartsWithSegments("/scalar") && !session)
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }
}
