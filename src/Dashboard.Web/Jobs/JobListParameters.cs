using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Jobs;

namespace Dashboard.Web.Jobs;

/// <summary>
/// The query string of <c>GET /api/v1/jobs</c>, read into the Jobs page's own filter (<see cref="JobsFilter"/>) so the
/// API lists exactly what the page would: <c>state</c> (comma-separated, e.g. <c>Pending,Running</c>), <c>team</c>,
/// <c>owner</c>, <c>text</c>, <c>mine</c> (default true, as on the page; false when <c>owner</c> is given),
/// <c>page</c> (from 1), <c>pageSize</c> (1 to 500, default 25), <c>sort</c> (id, name, owner, team, state, gpus,
/// submitted, started, ended) and <c>order</c> (desc, the default, or asc). <c>after</c> is the <c>next</c> cursor of the
/// page before (keyset paging: stable while jobs are added); it carries its sort and order, and replaces <c>page</c>.
/// <c>sweep</c> (a sweep's id, its first job's) lists only that sweep's jobs.
/// </summary>
public sealed record JobListParameters(string? State, string? Team, string? Owner, string? Text, string? Mine, string? Page, string? PageSize, string? Sort, string? Order, string? After = null, string? Sweep = null)
{
    /// <summary>Every parameter the list reads; any other is refused (a guessed <c>limit</c> must not be silently ignored).</summary>
    public static readonly ImmutableArray<string> Names = ["state", "team", "owner", "text", "mine", "page", "pageSize", "sort", "order", "after", "sweep"];

    /// <summary>A problem per query-string key that is not one of <see cref="Names"/> (case-insensitively, as they bind).</summary>
    public static ImmutableDictionary<string, string> UnknownOf(IEnumerable<string> keys) =>
        keys.Where(key => !Names.Contains(key, StringComparer.OrdinalIgnoreCase))
            .ToImmutableDictionary(
                key => key,
                key => $"Unknown parameter '{Truncated(key)}'; the parameters are {string.Join(", ", Names)}.",
                StringComparer.Ordinal);

    private static string Truncated(string key) => key.Length <= 40 ? key : key[..40] + "\u2026";

    /// <summary>The highest page number accepted (a page beyond the last is simply empty).</summary>
    public const int MaxPage = 1_000_000;

    /// <summary>The page's query and its number and size; or the problems by parameter.</summary>
    public (JobQuery? Query, int Page, int PageSize, ImmutableDictionary<string, string> Problems) Read(string caller)
    {
        var (filter, column, descending, page, size, problems) = Parse(caller);
        if (filter is null)
        {
            return (null, 0, 0, problems);
        }

        var query = filter.ToQuery(caller, page - 1, size, column.ToString(), descending);
        if (JobCursor.TryParse(After, out var cursor))
        {
            return (query with { Offset = 0, After = cursor }, 0, size, problems);
        }

        return (query, page, size, problems);
    }

    /// <summary>The Jobs page's filter these parameters name (its address carries them), or null when any is not valid.</summary>
    public JobsFilter? ReadFilter(string caller) => Parse(caller).Filter;

    private (JobsFilter? Filter, JobSortColumn Column, bool Descending, int Page, int PageSize, ImmutableDictionary<string, string> Problems) Parse(string caller)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        var states = new HashSet<JobState>();
        foreach (var part in (State ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.All(char.IsAsciiDigit) || !Enum.TryParse<JobState>(part, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                problems["state"] = $"'{Short(part)}' is not a job state; use {string.Join(", ", Enum.GetNames<JobState>())}.";
                break;
            }

            states.Add(parsed);
        }

        var mine = string.IsNullOrWhiteSpace(Owner);
        if (!string.IsNullOrWhiteSpace(Mine))
        {
            if (!bool.TryParse(Mine.Trim(), out mine))
            {
                problems["mine"] = "mine must be true or false.";
            }
            else if (mine && !string.IsNullOrWhiteSpace(Owner) && !string.Equals(Owner.Trim(), caller, StringComparison.Ordinal))
            {
                problems["owner"] = "owner names someone else while mine=true; leave out one of them.";
            }
        }

        var page = Whole(problems, "page", Page, 1, 1, MaxPage);
        var size = Whole(problems, "pageSize", PageSize, JobQuery.DefaultPageSize, 1, JobQuery.MaxPageSize);
        var column = JobSortColumn.Id;
        if (!string.IsNullOrWhiteSpace(Sort) && !JobQuery.TryParseSortColumn(Sort, out column))
        {
            problems["sort"] = $"Jobs cannot be sorted by '{Short(Sort)}'; use {string.Join(", ", Enum.GetNames<JobSortColumn>().Select(n => n.ToLowerInvariant()))}.";
        }

        var descending = true;
        if (!string.IsNullOrWhiteSpace(Order))
        {
            var order = Order.Trim().ToLowerInvariant();
            if (order is not ("asc" or "desc"))
            {
                problems["order"] = "order must be asc or desc.";
            }

            descending = order != "asc";
        }

        if (!string.IsNullOrWhiteSpace(After))
        {
            if (!JobCursor.TryParse(After, out var cursor) || cursor is null)
            {
                problems["after"] = "after is not a cursor this server handed out (the next of a list page); start again from the first page.";
            }
            else if (!string.IsNullOrWhiteSpace(Page))
            {
                problems["page"] = "page and after cannot be used together; after already says where the page starts.";
            }
            else if ((!string.IsNullOrWhiteSpace(Sort) && column != cursor.SortBy) || (!string.IsNullOrWhiteSpace(Order) && descending != cursor.Descending))
            {
                problems["after"] = $"the cursor belongs to the list sorted by {cursor.SortBy.ToString().ToLowerInvariant()} {(cursor.Descending ? "desc" : "asc")}; leave out sort and order, or start again from the first page.";
            }
            else
            {
                column = cursor.SortBy;
                descending = cursor.Descending;
            }
        }

        long? sweep = null;
        if (!string.IsNullOrWhiteSpace(Sweep))
        {
            if (long.TryParse(Sweep.Trim().TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                sweep = id;
            }
            else
            {
                problems["sweep"] = $"sweep must be a sweep's id (a whole number from 1); '{Short(Sweep)}' is not one.";
            }
        }

        foreach (var (name, problem) in TextProblems(Team, Owner, Text))
        {
            problems.TryAdd(name, problem);
        }

        if (problems.Count > 0)
        {
            return (null, column, descending, 0, 0, problems.ToImmutableDictionary(StringComparer.Ordinal));
        }

        return (new JobsFilter(mine, states, Blank(Team), Blank(Owner), Blank(Text), sweep), column, descending, page, size, ImmutableDictionary<string, string>.Empty);
    }

    /// <summary>
    /// What is wrong with the filters people type (team, owner, the searched text), by parameter name: too long, or
    /// holding control or invisible formatting characters (<see cref="TextRules"/>), which no name or one-line text
    /// holds and which the full-text index's query cannot take. Empty when all are fine.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TextProblems(string? team, string? owner, string? text)
    {
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in new[] { ("team", team), ("owner", owner), ("text", text) })
        {
            if (value is null)
            {
                continue;
            }

            if (value.Length > JobSpecValidation.MaxNameLength)
            {
                problems[name] = $"{name} may be at most {JobSpecValidation.MaxNameLength} characters.";
            }
            else if (TextRules.OneLineProblem(name, value) is { } problem)
            {
                problems[name] = problem;
            }
        }

        return problems;
    }

    private static int Whole(Dictionary<string, string> problems, string name, string? text, int empty, int min, int max)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return empty;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            problems[name] = string.Create(CultureInfo.InvariantCulture, $"{name} must be a whole number from {min} to {max}.");
            return empty;
        }

        return value;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Short(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
