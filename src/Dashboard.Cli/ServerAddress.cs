namespace Dashboard.Cli;

/// <summary>Which server and whose token: from <c>--server</c>/<c>--token</c>, else <c>DASH_SERVER</c>/<c>DASH_TOKEN</c>.</summary>
public sealed record ServerAddress(Uri Url, string? Token)
{
    public const string DefaultUrl = "http://127.0.0.1:5080";
    public const string ServerVariable = "DASH_SERVER";
    public const string TokenVariable = "DASH_TOKEN";

    /// <summary>The address, or null with <paramref name="error"/> when the URL is not an absolute http(s) URL.</summary>
    public static ServerAddress? From(string? server, string? token, Func<string, string?> environment, out string? error)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var text = FirstSet(server, environment(ServerVariable)) ?? DefaultUrl;
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{text}' is not a server address: give an http:// or https:// URL, e.g. {DefaultUrl}";
            return null;
        }

        error = null;
        return new ServerAddress(url, FirstSet(token, environment(TokenVariable)));
    }

    private static string? FirstSet(string? flag, string? variable) =>
        !string.IsNullOrWhiteSpace(flag) ? flag.Trim() : !string.IsNullOrWhiteSpace(variable) ? variable.Trim() : null;
}
