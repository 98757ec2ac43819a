using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Api;
using Dashboard.Web.Hosting;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Http.Features;

namespace Dashboard.Web.Sessions;

/// <summary>
/// Every request on a session's own origin (<see cref="SessionOrigins"/>), which never reaches the dashboard's pages: the
/// token path sets the session's cookie and sends the browser on; any other path must be under that session's
/// <c>/sessions/{id}/</c>, with that session's cookie (the dashboard's sign-in cookie counts for nothing here), and is
/// forwarded like the dashboard's own proxy does. Returns the destination to forward to, or null when it answered.
/// </summary>
public static class SessionOriginGate
{
    public static async Task<(SessionEndpoint Endpoint, SessionTypeOptions Type)?> AdmitAsync(HttpContext context, JobId job, SessionOrigins origins, SessionEndpoints endpoints)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(origins);
        ArgumentNullException.ThrowIfNull(endpoints);
        var request = context.Request;
        if (request.Path.Equals(SessionOrigins.AuthPath, StringComparison.Ordinal))
        {
            await TakeTokenAsync(context, job, origins, endpoints).ConfigureAwait(false);
            return null;
        }

        if (SessionProxyPath.SessionOf(request.Path.Value) != job)
        {
            await ApiProblems.NotFound($"This origin serves session {job} only, under /sessions/{job}/.").ExecuteAsync(context).ConfigureAwait(false);
            return null;
        }

        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        if (SessionProxyPath.RawTargetProblem(raw) is { } badPath)
        {
            await ApiProblems.Problem(StatusCodes.Status400BadRequest, "Not a session path", badPath).ExecuteAsync(context).ConfigureAwait(false);
            return null;
        }

        if (ApiTokenAuthentication.PresentedToken(request) is not null)
        {
            await ApiProblems.Forbidden("Sessions are opened in the browser from the dashboard; API tokens are not accepted here.").ExecuteAsync(context).ConfigureAwait(false);
            return null;
        }

        if (origins.UserOf(request.Cookies[SessionOrigins.CookieName], job) is null)
        {
            await ApiProblems.Problem(StatusCodes.Status401Unauthorized, "Open it from the dashboard", $"Open session {job} from the dashboard: its Connect button signs you in here.").ExecuteAsync(context).ConfigureAwait(false);
            return null;
        }

        // Navigations may arrive through the dashboard's redirect (cross-site); changes must come from the session's own pages.
        var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        if (!safe && CrossSiteRequestGuard.Refused(request, strict: true) is { } crossSite)
        {
            await ApiProblems.Forbidden(crossSite).ExecuteAsync(context).ConfigureAwait(false);
            return null;
        }

        var endpoint = endpoints.Find(job);
        var type = endpoint is null ? null : endpoints.Types.Find(endpoint.Type);
        if (endpoint is null || type is null)
        {
            await ApiProblems.NotFound($"Session {job} is not running any more.").ExecuteAsync(context).ConfigureAwait(false);
            return null;
        }

        return (endpoint, type);
    }

    private static async Task TakeTokenAsync(HttpContext context, JobId job, SessionOrigins origins, SessionEndpoints endpoints)
    {
        var request = context.Request;
        var pass = HttpMethods.IsGet(request.Method) ? origins.Redeem(request.Query["token"].ToString(), job) : null;
        if (pass is null || endpoints.Find(job) is null)
        {
            await ApiProblems.Forbidden($"This link to session {job} was used already, has expired, or is not for this session: open the session from the dashboard again.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var cookie = origins.IssueCookie(pass, endpoints.All.Select(e => e.Job));
        context.Response.Cookies.Append(SessionOrigins.CookieName, cookie, new CookieOptions
        {
            HttpOnly = true,
            Secure = request.IsHttps,
            SameSite = SameSiteMode.Lax,
            Path = "/",
            IsEssential = true,
        });
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(pass.Path);
    }
}
