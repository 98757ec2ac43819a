using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Dashboard.Engine.Sessions;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Sessions;

/// <summary>What a one-time token or a session cookie lets in: one session, for one person, who was allowed at issue.</summary>
public sealed record SessionPass(JobId Job, string User, string Path, DateTimeOffset Expires);

/// <summary>
/// A separate origin per session (<c>Sessions:OriginTemplate</c>, e.g. <c>http://s{id}.localhost:{port}</c> or
/// <c>https://s{id}.dash.example.org</c>): the dashboard's <c>/sessions/{id}/</c> hands the signed-in owner a one-time,
/// short-lived token in a redirect to the session's own origin, which takes it once (<see cref="Redeem"/>) for a
/// host-only cookie valid for that session only (<see cref="IssueCookie"/>). A session's pages then run script on an
/// origin of their own, where the dashboard's cookie is never sent nor read. Tokens and cookies live in memory: a
/// restarted server asks people to open their sessions from the dashboard again.
/// </summary>
public sealed class SessionOrigins
{
    /// <summary>The cookie a session origin sets (host-only, HttpOnly, SameSite=Lax).</summary>
    public const string CookieName = "dashboard-session";

    /// <summary>The path on a session origin that takes a token.</summary>
    public const string AuthPath = "/_dashboard/session-auth";

    /// <summary>How long a token may wait to be taken.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, SessionPass> tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SessionPass> passes = new(StringComparer.Ordinal);
    private readonly TimeProvider time;
    private readonly Regex? host;

    public SessionOrigins(SessionSettings settings, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.time = time;
        Template = settings.OriginTemplate is { Length: > 0 } template ? template.TrimEnd('/') : null;
        if (Template is null)
        {
            return;
        }

        var probe = Template.Replace("{id}", "1", StringComparison.Ordinal).Replace("{port}", "1", StringComparison.Ordinal);
        if (!Template.Contains("{id}", StringComparison.Ordinal) || !Uri.TryCreate(probe, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.AbsolutePath != "/")
        {
            throw new InvalidOperationException($"Sessions:OriginTemplate must be an http(s) origin with {{id}} in its host name, e.g. http://s{{id}}.localhost:{{port}}; it is '{settings.OriginTemplate}'.");
        }

        var hostTemplate = Template[(Template.IndexOf("://", StringComparison.Ordinal) + 3)..].Split(':')[0];
        host = new Regex("^" + Regex.Escape(hostTemplate).Replace(@"\{id}", @"([1-9][0-9]{0,17})", StringComparison.Ordinal) + "$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The template, or null when sessions are served on the dashboard's own origin.</summary>
    public string? Template { get; }

    public bool Enabled => Template is not null;

    /// <summary>The session's own origin; <c>{port}</c> is the port the dashboard was reached on.</summary>
    public string OriginOf(JobId job, HostString dashboardHost) => (Template ?? throw new InvalidOperationException("no session origins"))
        .Replace("{id}", job.Value.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{port}", (dashboardHost.Port ?? 80).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The session whose origin the request's Host names, or null (the dashboard's own host, or no session origins).</summary>
    public JobId? SessionOfHost(HostString requestHost)
    {
        if (host is null || !requestHost.HasValue || host.Match(requestHost.Host) is not { Success: true } match)
        {
            return null;
        }

        return long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? new JobId(id) : null;
    }

    /// <summary>A one-time token for <paramref name="user"/> to open <paramref name="path"/> of session <paramref name="job"/> on its origin.</summary>
    public string IssueToken(JobId job, string user, string path)
    {
        var now = time.GetUtcNow();
        foreach (var (key, stale) in tokens)
        {
            if (stale.Expires <= now)
            {
                tokens.TryRemove(key, out _);
            }
        }

        var token = NewSecret();
        tokens[token] = new SessionPass(job, user, path, now + TokenLifetime);
        return token;
    }

    /// <summary>Takes a token (once: a second use finds nothing), for session <paramref name="job"/> only, before it expires.</summary>
    public SessionPass? Redeem(string? token, JobId job)
    {
        if (string.IsNullOrEmpty(token) || !tokens.TryRemove(token, out var pass))
        {
            return null;
        }

        return pass.Job == job && pass.Expires > time.GetUtcNow() ? pass : null;
    }

    /// <summary>A cookie value that lets <paramref name="pass"/>'s person into its session, on its origin, while the session runs.</summary>
    public string IssueCookie(SessionPass pass, IEnumerable<JobId> running)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var live = running.ToHashSet();
        foreach (var (key, old) in passes)
        {
            if (!live.Contains(old.Job))
            {
                passes.TryRemove(key, out _);
            }
        }

        var value = NewSecret();
        passes[value] = pass;
        return value;
    }

    /// <summary>Who a session cookie lets into session <paramref name="job"/> (null: none, or a cookie of another session).</summary>
    public string? UserOf(string? cookie, JobId job) =>
        !string.IsNullOrEmpty(cookie) && passes.TryGetValue(cookie, out var pass) && pass.Job == job ? pass.User : null;

    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
