using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Sessions;

/// <summary>
/// Which requests belong to the session proxy (<c>/sessions/{id}/...</c>, the slash after the id included; the session's
/// page is <c>/sessions/{id}</c> without it) and which request targets it refuses outright: any encoded slash,
/// backslash or dot, any <c>.</c> or <c>..</c> segment, and any target that is not a plain path (an absolute URL).
/// The target is read as the client sent it, before the server normalised it, so <c>/sessions/1/../2/</c> never
/// becomes a request for session 2.
/// </summary>
public static partial class SessionProxyPath
{
    public const string Prefix = "/sessions/";

    /// <summary>The session a request path is for, or null when it is not a proxy path.</summary>
    public static JobId? SessionOf(string? path)
    {
        var match = ProxyPath().Match(path ?? "");
        return match.Success && long.TryParse(match.Groups["id"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0
            ? new JobId(id)
            : null;
    }

    /// <summary>Why the raw request target is refused, or null when it is a plain path under <see cref="Prefix"/>.</summary>
    public static string? RawTargetProblem(string rawTarget)
    {
        ArgumentNullException.ThrowIfNull(rawTarget);
        var query = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rawTarget : rawTarget[..query];
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return "The request target must be a path under /sessions/.";
        }

        if (EncodedSeparator().IsMatch(path) || path.Contains('\\', StringComparison.Ordinal))
        {
            return "Encoded slashes, dots and backslashes are not allowed in a session's path.";
        }

        return path.Split('/').Any(segment => segment is "." or "..")
            ? "Dot segments (. and ..) are not allowed in a session's path."
            : null;
    }

    [GeneratedRegex("^/sessions/(?<id>[0-9]{1,18})/", RegexOptions.CultureInvariant)]
    private static partial Regex ProxyPath();

    [GeneratedRegex("%(2[fFeE]|5[cC]|25)", RegexOptions.CultureInvariant)]
    private static partial Regex EncodedSeparator();
}
