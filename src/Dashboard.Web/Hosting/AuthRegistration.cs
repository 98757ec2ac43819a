using Dashboard.Data;
using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Dashboard.Web.Hosting;

/// <summary>
/// Cookie sign-in, the role policies, and the rule that nothing is reachable anonymously unless it says so
/// (the fallback policy): browsers are sent to the sign-in page, other clients (API, hub) get 401 / 403.
/// </summary>
public static class AuthRegistration
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";
    public const string DeniedPath = "/account/denied";
    public const string SingleSignOnPath = "/account/sso";

    public static IServiceCollection AddDashboardAuth(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(AccountOptions.Section).Get<AccountOptions>() ?? new AccountOptions();
        services.AddSingleton(options);
        services.AddKeyRingInDataFolder();
        services.AddSingleton(sp => new UnixUserStore(sp.GetRequiredService<Database>()));
        services.AddSingleton(sp => new UnixUserAdministration(sp.GetRequiredService<UnixUserStore>(), sp.GetRequiredService<UserStore>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<Dashboard.Engine.Execution.Isolation.IStoredUnixUsers>(sp => sp.GetRequiredService<UnixUserAdministration>());
        services.AddSingleton(sp => new UserStore(sp.GetRequiredService<Database>()));
        services.AddSingleton<AccountService>();
        services.TryAddSingleton(sp => new JobStore(sp.GetRequiredService<Database>()));
        services.AddSingleton<Commands.ClusterCommands>();
        services.AddSingleton<UserAdministration>();
        services.AddSingleton(sp => new Dashboard.Data.Audit.AuditStore(sp.GetRequiredService<Database>()));
        services.AddSingleton<DemoAccounts>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoAccounts>());
        services.AddSingleton<FirstAdminSetup>();
        services.AddHostedService(sp => sp.GetRequiredService<FirstAdminSetup>());

        services.AddSingleton(sp => new Dashboard.Data.Tokens.ApiTokenStore(sp.GetRequiredService<Database>()));
        services.AddSingleton<ApiTokens>();

        // Every request is signed in by its personal API token when it presents one (Authorization: Bearer), else by
        // its cookie: so the default and fallback policies, and the role policies, accept either.
        var authentication = services.AddAuthentication(ApiTokenAuthentication.CookieOrToken)
            .AddPolicyScheme(ApiTokenAuthentication.CookieOrToken, "Cookie or personal API token", scheme => scheme.ForwardDefaultSelector = context =>
                ApiTokenAuthentication.PresentedToken(context.Request) is null ? CookieAuthenticationDefaults.AuthenticationScheme : ApiTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null);
        if (options.OpenIdConnect is { Enabled: true } sso)
        {
            authentication.AddOpenIdConnect(OpenIdConnectOptions.Scheme, oidc =>
            {
                oidc.Authority = sso.Authority;
                oidc.ClientId = sso.ClientId;
                oidc.ClientSecret = sso.ClientSecret;
                oidc.ResponseType = "code";
                oidc.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                oidc.Events.OnTokenValidated = context =>
                {
                    var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
                    var user = SingleSignOn.AccountFor(users, context.Principal, sso.NameClaim);
                    if (user is null)
                    {
                        context.Fail("There is no enabled account here for this sign-in; ask an admin to create one.");
                    }
                    else
                    {
                        context.Principal = user.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme);
                    }

                    return Task.CompletedTask;
                };
            });
        }

        authentication.AddCookie(cookie =>
            {
                cookie.LoginPath = LoginPath;
                cookie.LogoutPath = LogoutPath;
                cookie.AccessDeniedPath = DeniedPath;
                cookie.Cookie.Name = "dashboard.auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.SessionLifetime;
                cookie.SlidingExpiration = true;
                cookie.Events.OnValidatePrincipal = ValidateAgainstAccount;
                cookie.Events.OnRedirectToLogin = context => Answer(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => Answer(context, StatusCodes.Status403Forbidden);
            });
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Permissions.AdminPolicy, policy => policy.RequireRole(nameof(UserRole.Admin)))
            .AddPolicy(Permissions.TeamLeadPolicy, policy => policy.RequireRole(nameof(UserRole.Admin), nameof(UserRole.TeamLead)));
        services.AddCascadingAuthenticationState();

        // The signed-in user of a circuit or request. Pages are reachable only signed in (the fallback policy),
        // so a missing user here is a wiring mistake, not a visitor.
        services.AddScoped<ICurrentUser>(sp =>
        {
            var state = sp.GetRequiredService<AuthenticationStateProvider>().GetAuthenticationStateAsync();
            return SignedInUser.From(state.IsCompleted ? state.Result.User : null)
                ?? throw new InvalidOperationException("No one is signed in: this service is only for pages and endpoints that require sign-in.");
        });
        return services;
    }

    /// <summary>Sign-out is a POST with an antiforgery token, so another site cannot sign a user out.</summary>
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SingleSignOnPath, (string? returnUrl, AccountOptions options) => options.OpenIdConnect.Enabled
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = Account.LoginPage.LocalReturnUrl(returnUrl) }, [OpenIdConnectOptions.Scheme])
            : Results.NotFound()).AllowAnonymous();

        endpoints.MapPost(LogoutPath, async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                return Results.BadRequest("The sign-out form expired; reload the page and try again.");
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.LocalRedirect(LoginPath);
        }).AllowAnonymous().DisableAntiforgery();
    }

    /// <summary>
    /// Each request checks the cookie against the account as it is now: a disabled or removed account is signed out,
    /// and a changed role or team set replaces the cookie's claims, so an admin's change takes effect at the next request
    /// (an open Blazor circuit keeps the user it started with until it reconnects).
    /// </summary>
    private static async Task ValidateAgainstAccount(CookieValidatePrincipalContext context)
    {
        if (SignedInUser.From(context.Principal) is not { } signedIn)
        {
            return;
        }

        var account = context.HttpContext.RequestServices.GetRequiredService<UserStore>().Find(signedIn.Name);
        if (account is not { Enabled: true })
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return;
        }

        var current = SignedInUser.Of(account);
        if (current.Role != signedIn.Role || !current.Teams.Order(StringComparer.Ordinal).SequenceEqual(signedIn.Teams, StringComparer.Ordinal))
        {
            context.ReplacePrincipal(current.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme));
            context.ShouldRenew = true;
        }
    }

    /// <summary>Browsers navigating get the redirect; API, hub and script clients get the status code.</summary>
    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        var browserNavigation = HttpMethods.IsGet(request.Method)
            && !request.Path.StartsWithSegments("/api")
            && !request.Path.StartsWithSegments("/hubs")
            && !request.Path.StartsWithSegments("/_blazor")
            && request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
        if (browserNavigation)
        {
            context.Response.Redirect(context.RedirectUri);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }
}
