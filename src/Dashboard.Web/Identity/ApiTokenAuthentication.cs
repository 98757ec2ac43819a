using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Dashboard.Web.Identity;

/// <summary>
/// Signs a request in by its personal API token (<c>Authorization: Bearer dash_...</c>; for the SignalR hub, whose
/// WebSocket cannot send headers from a browser, also <c>?access_token=</c> on <c>/hubs</c> paths). The principal is
/// the same as cookie sign-in's: the account's name, role and teams as they are now, so an admin's change applies at
/// the next request. Unknown and revoked tokens and disabled accounts are refused (401).
/// </summary>
public sealed class ApiTokenAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";

    /// <summary>The scheme that picks cookie or token per request: the token when the request presents one.</summary>
    public const string CookieOrToken = "CookieOrToken";

    /// <summary>Where a refused token's reason is kept for the 401 answer's body.</summary>
    public const string FailureItem = "dashboard:token-failure";

    private const string BearerPrefix = "Bearer ";

    /// <summary>The token a request presents, or null when it presents none.</summary>
    public static string? PresentedToken(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return header[BearerPrefix.Length..].Trim();
        }

        return request.Path.StartsWithSegments("/hubs") && request.Query["access_token"].ToString() is { Length: > 0 } query ? query : null;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (PresentedToken(Request) is not { } presented)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var (account, refusal) = tokens.Authenticate(presented);
        if (account is null)
        {
            return Task.FromResult(AuthenticateResult.Fail(refusal ?? "The token was refused."));
        }

        var principal = SignedInUser.Of(account).ToPrincipal(SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (result.Failure is { } refused)
        {
            Context.Items[FailureItem] = refused.Message;
        }

        Response.Headers[HeaderNames.WWWAuthenticate] = result.Failure is { } failure
            ? $"Bearer error=\"invalid_token\", error_description=\"{failure.Message.Replace("\"", "'", StringComparison.Ordinal)}\""
            : "Bearer";
    }
}
