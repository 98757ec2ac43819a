using System.Net;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Data.Users;
using Microsoft.AspNetCore.Authorization;

namespace Dashboard.Web.Operations;

/// <summary>The requirement of the <see cref="Policy"/> policy: see <see cref="MetricsScrapeOptions"/>.</summary>
public sealed class MetricsScrapeRequirement : IAuthorizationRequirement
{
    public const string Policy = "MetricsScrape";
}

/// <summary>
/// Allows a scrape of <c>/metrics</c> from loopback, an allowed network, with the scrape token, or by a signed-in admin.
/// Otherwise the request fails like any other protected endpoint: 401 when no one is signed in, 403 for other roles.
/// </summary>
public sealed class MetricsScrapeHandler(MetricsScrapeOptions options) : AuthorizationHandler<MetricsScrapeRequirement>
{
    private readonly IReadOnlyList<IPNetwork> networks = options.Networks();
    private readonly byte[] token = Encoding.UTF8.GetBytes(options.Token);

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MetricsScrapeRequirement requirement)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.IsInRole(nameof(UserRole.Admin))
            || (context.Resource is HttpContext http && (FromAllowedAddress(http.Connection.RemoteIpAddress) || CarriesToken(http.Request))))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    private bool FromAllowedAddress(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return (options.AllowLoopback && IPAddress.IsLoopback(address)) || networks.Any(n => n.Contains(address));
    }

    private bool CarriesToken(HttpRequest request)
    {
        const string bearer = "Bearer ";
        if (token.Length == 0 || request.Headers.Authorization is not [{ } header] || !header.StartsWith(bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[bearer.Length..].Trim()), token);
    }
}
