namespace Dashboard.Web.Hosting;

/// <summary>
/// Redirects within this site say only the path (<c>Location: /account/login?...</c>): ASP.NET Core's sign-in redirect
/// and Blazor's navigation build an absolute URL from the request's <c>Host</c> header, which the client chooses, so a
/// request with <c>Host: evil.example</c> got <c>Location: http://evil.example/...</c> (a poisoned cache or a link in a
/// log then points elsewhere). A relative Location resolves against the URL the browser really asked for.
/// Redirects to other sites (single sign-on) are left as they are.
/// </summary>
public sealed class RelativeRedirects(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            var location = http.Response.Headers.Location.ToString();
            if (Relative(location, http.Request) is { } relative)
            {
                http.Response.Headers.Location = relative;
            }

            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    /// <summary>The path, query and fragment of <paramref name="location"/> when it points at the request's own host; else null.</summary>
    public static string? Relative(string location, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(location)
            || !Uri.TryCreate(location, UriKind.Absolute, out var target)
            || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps)
            || !string.Equals(target.Host, request.Host.Host, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return target.PathAndQuery + target.Fragment;
    }
}
