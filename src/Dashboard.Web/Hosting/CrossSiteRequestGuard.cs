using Dashboard.Web.Api;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Cross-site request forgery on the API and the hub. A request signed in by the browser's cookie (no personal API
/// token presented) that would change something (any method but GET, HEAD, OPTIONS, TRACE) on <c>/api</c> must show
/// that it comes from this site's own pages: <c>Sec-Fetch-Site: same-origin</c>, or, from a browser that does not send
/// that header, an <c>Origin</c> equal to this site's. A cookie request that shows neither is refused too: browsers
/// send one of them on every such request, and scripts sign in with a token. On <c>/hubs</c> and Blazor's own
/// <c>/_blazor</c> (whose negotiate is a POST and whose WebSocket is a GET) a cookie request is refused when those
/// headers say it comes from another origin.
/// Requests that present a token (<c>Authorization: Bearer</c>, the <c>dash</c> client, scripts) are not affected: a
/// page on another site cannot make a browser send one. The cookie is SameSite=Lax, which already stops other sites;
/// this guard also stops other origins of the same site (another port of the same host).
/// </summary>
public sealed class CrossSiteRequestGuard(RequestDelegate next, IOptionsMonitor<CookieAuthenticationOptions> cookies)
{
    public const string Title = "Cross-site request refused";

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var api = request.Path.StartsWithSegments("/api");
        var hub = request.Path.StartsWithSegments("/hubs") || request.Path.StartsWithSegments("/_blazor");
        if ((api || hub) && ApiTokenAuthentication.PresentedToken(request) is null && CarriesSignInCookie(request) && Refused(request, strict: api && !IsSafe(request.Method)) is { } reason)
        {
            await ApiProblems.Problem(StatusCodes.Status403Forbidden, Title, reason).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    /// <summary>
    /// Why a cookie request is refused, or null when it may go on. <paramref name="strict"/>: the request must prove it
    /// comes from this origin (a change through the API); otherwise it is refused only when it shows another origin.
    /// </summary>
    public static string? Refused(HttpRequest request, bool strict)
    {
        ArgumentNullException.ThrowIfNull(request);
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        var own = $"{request.Scheme}://{request.Host.Value}";
        if (site.Length > 0)
        {
            return string.Equals(site, "same-origin", StringComparison.OrdinalIgnoreCase) || (!strict && string.Equals(site, "none", StringComparison.OrdinalIgnoreCase))
                ? null
                : $"This request was signed in by the browser's cookie but came from a page on another origin (Sec-Fetch-Site: {Shorten(site)}); nothing was changed. Scripts should send a personal API token.";
        }

        if (origin.Length > 0)
        {
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"This request was signed in by the browser's cookie but came from a page on {Shorten(origin)}, not {own}; nothing was changed. Scripts should send a personal API token.";
        }

        return strict
            ? "A change through the API signed in by the browser's cookie must come from this site's pages (with an Origin or Sec-Fetch-Site header); nothing was changed. Scripts and other clients send a personal API token as `Authorization: Bearer dash_...`."
            : null;
    }

    private static bool IsSafe(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method);

    private bool CarriesSignInCookie(HttpRequest request)
    {
        var name = cookies.Get(CookieAuthenticationDefaults.AuthenticationScheme).Cookie.Name ?? CookieAuthenticationDefaults.CookiePrefix + CookieAuthenticationDefaults.AuthenticationScheme;
        return request.Cookies.ContainsKey(name) || request.Cookies.ContainsKey(name + "C1");
    }

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..100] + "…";
}
