using Dashboard.Engine.Sessions;
using Dashboard.Web.Api;
using Dashboard.Web.Hosting;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Dashboard.Web.Sessions;

/// <summary>
/// <c>/sessions/{id}/...</c>: HTTP and WebSockets forwarded (YARP's <see cref="IHttpForwarder"/>) to the session's
/// server on its loopback port, after the access check, for every request: signed in by the browser's cookie (no API
/// token), from this site's own pages (<see cref="CrossSiteRequestGuard"/>'s rules, strict for changes), a plain path
/// (<see cref="SessionProxyPath"/>), a session that is running on this node (<see cref="SessionEndpoints"/>: a batch
/// job, an ended session or an unknown id has no destination) and the caller its owner (or an admin where the type
/// allows). The destination comes from the session's record only, never from the request. Each forwarded request
/// counts as the session's browser traffic for the idle policy. With a separate origin per session
/// (<see cref="SessionOrigins"/>) the owner is sent there with a one-time token instead, and every request on a session's
/// origin is <see cref="SessionOriginProxy"/>'s, never the dashboard's.
/// </summary>
public sealed class SessionProxy(
    RequestDelegate next,
    IHttpForwarder forwarder,
    SessionEndpoints endpoints,
    TimeProvider time,
    IOptionsMonitor<CookieAuthenticationOptions> cookies,
    SessionOrigins origins)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (SessionProxyPath.SessionOf(request.Path.Value) is not { } job)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        // From here on the request never reaches the dashboard's own endpoints.
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "";
        if (SessionProxyPath.RawTargetProblem(raw) is { } badPath)
        {
            await ApiProblems.Problem(StatusCodes.Status400BadRequest, "Not a session path", badPath).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (ApiTokenAuthentication.PresentedToken(request) is not null)
        {
            await ApiProblems.Forbidden("Sessions are opened in the browser, signed in to the dashboard; API tokens are not accepted here.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (SignedInUser.From(context.User) is not { } user)
        {
            await RefuseAnonymousAsync(context).ConfigureAwait(false);
            return;
        }

        var safe = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method);
        if (CrossSiteRequestGuard.Refused(request, strict: !safe) is { } crossSite)
        {
            await ApiProblems.Forbidden(crossSite).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var endpoint = endpoints.Find(job);
        var type = endpoint is null ? null : endpoints.Types.Find(endpoint.Type);
        if (endpoint is null || type is null)
        {
            await ApiProblems.NotFound($"There is no running session {job} on this dashboard's node.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (endpoint.Owner != user.Name && !(user.IsAdmin() && type.AdminsMayConnect))
        {
            await ApiProblems.Forbidden($"Session {job} is {endpoint.Owner}'s; only its owner may connect to it.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        if (await SessionRelay.RefusedAsNotReadyAsync(context, endpoint).ConfigureAwait(false))
        {
            return;
        }

        if (origins.Enabled)
        {
            // The session lives on its own origin: a one-time token takes the owner there (never for a change or a WebSocket).
            if (!HttpMethods.IsGet(request.Method) || context.WebSockets.IsWebSocketRequest)
            {
                await ApiProblems.Forbidden($"Session {job} is served on its own origin; open it from the dashboard.").ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            var token = origins.IssueToken(job, user.Name, request.Path.ToUriComponent() + request.QueryString.ToUriComponent());
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Redirect(origins.OriginOf(job, request.Host) + SessionOrigins.AuthPath + "?token=" + token);
            return;
        }

        await SessionRelay.ForwardAsync(context, forwarder, endpoint, type, time, SessionForwarding.SignInCookieName(cookies)).ConfigureAwait(false);
    }

    private static Task RefuseAnonymousAsync(HttpContext context)
    {
        var request = context.Request;
        if (HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(AuthRegistration.LoginPath + "?ReturnUrl=" + Uri.EscapeDataString(request.Path + request.QueryString));
            return Task.CompletedTask;
        }

        return ApiProblems.Problem(StatusCodes.Status401Unauthorized, "Sign in first", "Sign in to the dashboard to open a session.").ExecuteAsync(context);
    }
}
