using System.Net;
using System.Net.Sockets;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// Which webhook URLs are accepted: absolute http(s) only (http when <see cref="WebhookOptions.AllowHttp"/>), no user
/// name or password in them, no control characters, at most 2,000 characters, and, when the admin set
/// <see cref="WebhookOptions.AllowedHosts"/>, a host among them; unless <see cref="WebhookOptions.AllowPrivateNetworks"/>,
/// no host that is itself a loopback or private-network address (an IP literal, <c>localhost</c> or a name under
/// <c>.localhost</c>). Checked when a person adds a URL and again before each POST; names that only resolve to private
/// addresses are refused when the POST connects (<see cref="WebhookSender"/>), since a name may resolve otherwise later.
/// </summary>
public static class WebhookAddress
{
    public const int MaxLength = 2000;

    /// <summary>The problem with <paramref name="url"/>, or null when it may be used.</summary>
    public static string? Problem(string? url, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(url))
        {
            return "Give the webhook's URL, e.g. https://hooks.slack.com/services/...";
        }

        if (url.Length > MaxLength)
        {
            return $"A webhook URL is at most {MaxLength} characters.";
        }

        if (TextRules.OneLineProblem("A webhook URL", url) is { } text)
        {
            return text;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "A webhook URL starts with https:// (or http://) and names a host.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !options.AllowHttp)
        {
            return "This server only sends webhooks over https://.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "A webhook URL must not hold a user name or password; the signature header proves who sends it.";
        }

        if (options.AllowedHosts.Count > 0 && !options.AllowedHosts.Any(allowed => HostMatches(uri.IdnHost, allowed)))
        {
            return $"Webhooks may only go to {string.Join(", ", options.AllowedHosts)} (an admin's setting, Notifications:Webhooks:AllowedHosts).";
        }

        if (!options.AllowPrivateNetworks && NamesPrivateHost(uri))
        {
            return $"{uri.Host} is a loopback or private-network address; this server does not send webhooks there (an admin's setting, Notifications:Webhooks:AllowPrivateNetworks).";
        }

        return null;
    }

    /// <summary>Whether the URL's host is, by its text alone, this machine or a private network.</summary>
    private static bool NamesPrivateHost(Uri uri)
    {
        var host = uri.IdnHost.TrimStart('[').TrimEnd(']');
        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6)
        {
            return IPAddress.TryParse(host, out var address) && IsPrivate(address);
        }

        host = host.TrimEnd('.');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Whether an address a webhook connects to is inside this machine or its private network.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) || b[0] == 0;
    }

    private static bool HostMatches(string host, string allowed) =>
        allowed.StartsWith('.')
            ? host.EndsWith(allowed, StringComparison.OrdinalIgnoreCase) || string.Equals(host, allowed[1..], StringComparison.OrdinalIgnoreCase)
            : string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase);
}
