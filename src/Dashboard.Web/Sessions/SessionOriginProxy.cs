using Dashboard.Engine.Sessions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Dashboard.Web.Sessions;

/// <summary>
/// Every request whose Host is a session's own origin (<see cref="SessionOrigins"/>), ahead of everything of the
/// dashboard's (static files, sign-in, authorization, pages): admitted by <see cref="SessionOriginGate"/> on that
/// session's cookie alone and forwarded to its server, or refused. Other hosts go on to the dashboard.
/// </summary>
public sealed class SessionOriginProxy(
    RequestDelegate next,
    IHttpForwarder forwarder,
    SessionEndpoints endpoints,
    SessionOrigins origins,
    TimeProvider time,
    IOptionsMonitor<CookieAuthenticationOptions> cookies)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (origins.SessionOfHost(context.Request.Host) is not { } job)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (await SessionOriginGate.AdmitAsync(context, job, origins, endpoints).ConfigureAwait(false) is { } admitted)
        {
            await SessionRelay.ForwardAsync(context, forwarder, admitted.Endpoint, admitted.Type, time, SessionForwarding.SignInCookieName(cookies)).ConfigureAwait(false);
        }
    }
}
