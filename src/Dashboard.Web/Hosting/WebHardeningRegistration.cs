using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.HttpOverrides;

namespace Dashboard.Web.Hosting;

/// <summary>
/// The web side's defences that apply to every request, in order: the scheme a local reverse proxy forwards
/// (<c>X-Forwarded-Proto</c> from loopback only, so cookies are Secure and HSTS is sent when the browser speaks
/// HTTPS to the proxy), Secure antiforgery cookies under HTTPS, HSTS on HTTPS responses, <see cref="SecurityHeaders"/>, <see cref="RelativeRedirects"/> and the
/// <see cref="CrossSiteRequestGuard"/>.
/// </summary>
public static class WebHardeningRegistration
{
    public static IServiceCollection AddWebHardening(this IServiceCollection services)
    {
        services.Configure<ForwardedHeadersOptions>(forwarded => forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedProto);
        services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(180));

        // The sign-in cookie is Secure under HTTPS (SameAsRequest); the forms' antiforgery cookie is not by default: make it so too.
        services.Configure<AntiforgeryOptions>(antiforgery => antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        return services;
    }

    /// <summary>First in the pipeline (after the API's error pages), so static files and error answers get the headers too.</summary>
    public static WebApplication UseWebHardening(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseForwardedHeaders();
        app.UseHsts();
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<RelativeRedirects>();
        app.UseMiddleware<CrossSiteRequestGuard>();
        return app;
    }
}
