using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Accounting;

namespace Dashboard.Web.Usage;

public enum UsageGrouping
{
    Team,
    User,
}

/// <summary>
/// A parsed, valid usage question: the range [<see cref="From"/>, <see cref="To"/>) (From aligned to the chart's
/// buckets, so the table and the chart cover the same time), the bucket length, the grouping and an optional team.
/// </summary>
public sealed record UsageQuery(string Range, DateTimeOffset From, DateTimeOffset To, TimeSpan Bucket, UsageGrouping Group, string? Team);

/// <summary>
/// What the page, the CSV and the API are asked, as text (query-string values): <c>range</c> 24h, 7d, 30d, 90d or
/// custom (with <c>from</c> and <c>to</c>, UTC dates or date-times; a <c>from</c> or <c>to</c> without a range means
/// custom), <c>group</c> team or user, and <c>team</c>.
/// <see cref="Parse"/> turns it into a <see cref="UsageQuery"/> or a problem per field.
/// </summary>
public sealed record UsageRequest(string? Range = null, string? From = null, string? To = null, string? Group = null, string? Team = null)
{
    public const int MaxCustomDays = 400;

    public static readonly ImmutableArray<string> Presets = ["24h", "7d", "30d", "90d"];

    /// <summary>Chart bucket lengths to choose from, shortest first.</summary>
    public static readonly ImmutableArray<TimeSpan> Buckets =
        [TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(7)];

    /// <summary>The most buckets a chart gets (a custom range picks the shortest bucket that stays within it).</summary>
    public const int MaxBuckets = 240;

    private static readonly string[] TimeFormats = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'"];

    /// <param name="now">The current time (the end of the preset ranges).</param>
    /// <param name="minuteRetention">How long minute samples are kept: older ranges get hour buckets at least.</param>
    /// <param name="hourRetention">How long hour roll-ups are kept: older ranges get day buckets at least.</param>
    public (UsageQuery? Query, ImmutableDictionary<string, string> Problems) Parse(DateTimeOffset now, TimeSpan minuteRetention, TimeSpan hourRetention)
    {
        var problems = ImmutableDictionary.CreateBuilder<string, string>();
        // No range but a from or a to: the caller means a custom range (not the default week, silently).
        var range = !string.IsNullOrWhiteSpace(Range) ? Range.Trim().ToLowerInvariant()
            : string.IsNullOrWhiteSpace(From) && string.IsNullOrWhiteSpace(To) ? "7d" : "custom";
        var group = string.IsNullOrWhiteSpace(Group) ? "team" : Group.Trim().ToLowerInvariant();
        var grouping = group switch
        {
            "team" => UsageGrouping.Team,
            "user" => UsageGrouping.User,
            _ => (UsageGrouping?)null,
        };
        if (grouping is null)
        {
            problems["group"] = $"group must be team or user, not \"{Group}\"";
        }

        DateTimeOffset from = default, to = default;
        TimeSpan bucket = default;
        if (range == "custom")
        {
            var parsedFrom = ParseTime(From, "from", problems);
            var parsedTo = ParseTime(To, "to", problems);
            if (parsedFrom is { } f && parsedTo is { } t)
            {
                if (t <= f)
                {
                    problems["to"] = "to must be after from";
                }
                else if (t - f > TimeSpan.FromDays(MaxCustomDays))
                {
                    problems["to"] = $"a custom range is at most {MaxCustomDays} days";
                }
                else
                {
                    (from, to) = (f, t);
                    bucket = Buckets.FirstOrDefault(b => (t - f).Ticks / b.Ticks <= MaxBuckets, Buckets[^1]);
                }
            }
        }
        else if (PresetSpan(range) is { } span)
        {
            (from, to) = (now - span, now);
            bucket = range switch { "24h" => Buckets[0], "7d" => Buckets[1], "30d" => Buckets[2], _ => Buckets[3] };
        }
        else
        {
            problems["range"] = $"range must be one of 24h, 7d, 30d, 90d or custom, not \"{Range}\"";
        }

        var team = string.IsNullOrWhiteSpace(Team) ? null : Team.Trim();
        if (problems.Count > 0)
        {
            return (null, problems.ToImmutable());
        }

        // Older than a granularity's retention, only the coarser one is left.
        if (from < now - minuteRetention && bucket < TimeSpan.FromHours(1))
        {
            bucket = TimeSpan.FromHours(1);
        }

        if (from < now - hourRetention && bucket < TimeSpan.FromDays(1))
        {
            bucket = TimeSpan.FromDays(1);
        }

        return (new UsageQuery(range, UsageSplit.AlignDown(from, bucket), to, bucket, grouping!.Value, team), problems.ToImmutable());
    }

    /// <summary>The query string that asks this again (for CSV links), leading "?".</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        Add(parts, "range", Range);
        Add(parts, "from", From);
        Add(parts, "to", To);
        Add(parts, "group", Group);
        Add(parts, "team", Team);
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }

    private static TimeSpan? PresetSpan(string range) => range switch
    {
        "24h" => TimeSpan.FromHours(24),
        "7d" => TimeSpan.FromDays(7),
        "30d" => TimeSpan.FromDays(30),
        "90d" => TimeSpan.FromDays(90),
        _ => null,
    };

    private static DateTimeOffset? ParseTime(string? text, string field, ImmutableDictionary<string, string>.Builder problems)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            problems[field] = $"{field} is needed for a custom range (a UTC date such as 2026-11-01, or 2026-11-01T08:00)";
            return null;
        }

        if (DateTime.TryParseExact(text.Trim(), TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        }

        problems[field] = $"{field} \"{text}\" is not a UTC date such as 2026-11-01 or 2026-11-01T08:00";
        return null;
    }

    private static void Add(List<string> parts, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            parts.Add(name + "=" + Uri.EscapeDataString(value));
        }
    }
}
