using System.Net;

namespace Dashboard.Web.Operations;

/// <summary>
/// Who may read <c>/metrics</c> without signing in (Prometheus scrapers do not sign in), from the <see cref="Section"/>
/// section of appsettings.json. Signed-in admins may always read it; anyone else only from loopback (when
/// <see cref="AllowLoopback"/>), from one of <see cref="AllowedNetworks"/>, or with <see cref="Token"/> as a bearer token.
/// </summary>
public sealed record MetricsScrapeOptions
{
    public const string Section = "Metrics";

    /// <summary>Scrapes from this machine (127.0.0.0/8, ::1) need nothing more. On by default.</summary>
    public bool AllowLoopback { get; init; } = true;

    /// <summary>Networks in CIDR notation (<c>10.0.0.0/8</c>, <c>fd00::/8</c>) whose scrapes need nothing more.</summary>
    public IReadOnlyList<string> AllowedNetworks { get; init; } = [];

    /// <summary>A shared secret a scraper sends as <c>Authorization: Bearer ...</c> (Prometheus: <c>authorization: { credentials: ... }</c>); empty: none.</summary>
    public string Token { get; init; } = string.Empty;

    /// <summary>The parsed <see cref="AllowedNetworks"/>; a malformed entry stops the start-up with its name.</summary>
    public IReadOnlyList<IPNetwork> Networks() =>
        [.. AllowedNetworks.Select(n => IPNetwork.TryParse(n, out var network)
            ? network
            : throw new InvalidOperationException($"Metrics:AllowedNetworks: '{n}' is not a network in CIDR notation (e.g. 10.0.0.0/8)."))];
}
