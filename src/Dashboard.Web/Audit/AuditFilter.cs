using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Data.Audit;
using Microsoft.AspNetCore.WebUtilities;

namespace Dashboard.Web.Audit;

/// <summary>
/// The audit page's filters as typed (and as the CSV link carries them in its query string). Times are UTC, as
/// <c>yyyy-MM-ddTHH:mm</c> (what a datetime-local input gives) or ISO 8601 with an offset.
/// </summary>
public sealed record AuditFilter(string? Actor = null, string? Action = null, string? Target = null, string? From = null, string? To = null)
{
    public const int MaxLength = 200;

    /// <summary>The query the filters describe, or the problems (keyed "actor", "action", "target", "from", "to") that stop it.</summary>
    public (AuditQuery? Query, ImmutableDictionary<string, string> Problems) Parse()
    {
        var problems = ImmutableDictionary.CreateBuilder<string, string>();
        foreach (var (key, value) in new[] { ("actor", Actor), ("action", Action), ("target", Target) })
        {
            if (value is { Length: > MaxLength })
            {
                problems[key] = $"At most {MaxLength} characters.";
            }
        }

        var from = Time("from", From, problems);
        var to = Time("to", To, problems);
        if (from is { } f && to is { } t && t <= f)
        {
            problems["to"] = "'To' must be later than 'from'.";
        }

        return problems.Count > 0
            ? (null, problems.ToImmutable())
            : (new AuditQuery(Clean(Actor), Clean(Action), Clean(Target), from, to), problems.ToImmutable());
    }

    /// <summary>The filters that are set, as a query string ("" when none is), for the CSV link.</summary>
    public string ToQueryString()
    {
        var pairs = new Dictionary<string, string?>();
        Add("actor", Actor);
        Add("action", Action);
        Add("target", Target);
        Add("from", From);
        Add("to", To);
        return QueryHelpers.AddQueryString("", pairs);

        void Add(string key, string? value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                pairs[key] = value.Trim();
            }
        }
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static DateTimeOffset? Time(string key, string? value, ImmutableDictionary<string, string>.Builder problems)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        string[] formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd"];
        if (DateTime.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var utc))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc));
        }

        if (value.Trim().Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(value.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var withOffset))
        {
            return withOffset.ToUniversalTime();
        }

        problems[key] = "A time in UTC, like 2026-01-31T14:30.";
        return null;
    }
}
