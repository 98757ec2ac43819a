using System.Net.Http.Headers;
using Dashboard.Engine.Sessions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Dashboard.Web.Sessions;

/// <summary>
/// How a request to a session's server is rewritten on its way: the destination's own Host (never the client's),
/// none of the dashboard's cookies (its sign-in and antiforgery cookies stay with the dashboard: a session's server
/// is the user's code) and no client Authorization header; instead the session's token, when its type takes one. The
/// request carries its endpoint, so a new connection is made only to the session job's own listener
/// (<see cref="SessionListenerGuard"/>).
/// </summary>
public sealed class SessionForwarding(SessionEndpoint endpoint, SessionTypeOptions type, string signInCookie) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        ArgumentNullException.ThrowIfNull(proxyRequest);
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken).ConfigureAwait(false);
        proxyRequest.Options.Set(SessionListenerGuard.EndpointKey, endpoint);
        if (type.StripPrefix)
        {
            var path = httpContext.Request.Path.ToUriComponent();
            var rest = path.Length > endpoint.BasePath.Length ? path[(endpoint.BasePath.Length - 1)..] : "/";
            proxyRequest.RequestUri = new Uri(destinationPrefix.TrimEnd('/') + rest + httpContext.Request.QueryString.Value, UriKind.Absolute);
        }
        proxyRequest.Headers.Host = null;
        proxyRequest.Headers.Authorization = type.TokenVariable.Length > 0 ? new AuthenticationHeaderValue("token", endpoint.Token) : null;
        proxyRequest.Headers.Remove("Cookie");
        var kept = KeptCookies(httpContext.Request.Headers.Cookie.ToString(), signInCookie);
        if (kept.Length > 0)
        {
            proxyRequest.Headers.TryAddWithoutValidation("Cookie", kept);
        }

        foreach (var forwarded in proxyRequest.Headers.Where(h => h.Key.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)).Select(h => h.Key).ToList())
        {
            proxyRequest.Headers.Remove(forwarded);
        }
    }

    /// <summary>The cookies of a Cookie header that are not the dashboard's (its sign-in cookie, chunks included, and ASP.NET Core's own).</summary>
    public static string KeptCookies(string header, string signInCookie)
    {
        ArgumentNullException.ThrowIfNull(header);
        var kept = header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(pair =>
            {
                var name = pair.Split('=', 2)[0].Trim();
                return name.Length > 0
                    && !name.StartsWith(signInCookie, StringComparison.Ordinal)
                    && name != SessionOrigins.CookieName
                    && !name.StartsWith(".AspNetCore.", StringComparison.Ordinal);
            });
        return string.Join("; ", kept);
    }

    /// <summary>The dashboard's sign-in cookie name, as configured.</summary>
    public static string SignInCookieName(IOptionsMonitor<CookieAuthenticationOptions> cookies)
    {
        ArgumentNullException.ThrowIfNull(cookies);
        return cookies.Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie.Name is { Length: > 0 } name ? name : ".AspNetCore.Cookies";
    }
}
