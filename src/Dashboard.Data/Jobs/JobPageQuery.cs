using System.Globalization;
using System.Text;
using Dapper;

namespace Dashboard.Data.Jobs;

/// <summary>
/// Turns a <see cref="JobQuery"/> into parameterised SQL for <see cref="JobStore.Page"/>: every value travels as a
/// parameter; the only text that varies is chosen from the fixed fragments below.
/// </summary>
internal sealed class JobPageQuery
{
    private const string LikeEscape = "\\";

    /// <summary>The FTS5 trigram tokenizer indexes runs of three characters: shorter text cannot use the index.</summary>
    private const int TrigramLength = 3;

    private static readonly Dictionary<JobSortColumn, string> SortExpressions = new()
    {
        [JobSortColumn.Id] = "j.id",
        [JobSortColumn.Name] = "j.name",
        [JobSortColumn.Owner] = "j.owner",
        [JobSortColumn.Team] = "j.team",
        [JobSortColumn.State] = "j.state",
        [JobSortColumn.Submitted] = "j.submitted_at",
        [JobSortColumn.Started] = "j.started_at",
        [JobSortColumn.Ended] = "j.ended_at",
        [JobSortColumn.Gpus] = "j.gpus",
    };

    private JobPageQuery(string where, string orderBy, DynamicParameters parameters, IReadOnlyList<string> keysetSql)
    {
        Where = where;
        OrderBy = orderBy;
        Parameters = parameters;
        KeysetSql = keysetSql;
    }

    /// <summary>
    /// For a query with a cursor: the page's statements, run in order until the page is full (each reads at most a page).
    /// A sort column that may be empty (started, ended) reads the jobs with a value first, then those without: each
    /// statement walks one stretch of the sort's index from the cursor on, so no statement sorts or skips rows.
    /// </summary>
    public IReadOnlyList<string> KeysetSql { get; }

    public string Where { get; }

    public string OrderBy { get; }

    public DynamicParameters Parameters { get; }

    public string CountSql => $"SELECT COUNT(*) FROM jobs j{Where}";

    public string PageSql => $"SELECT {JobRow.Columns} FROM jobs j{Where} ORDER BY {OrderBy} LIMIT $limit OFFSET $offset";

    public static JobPageQuery Of(JobQuery query)
    {
        var conditions = new List<string>();
        var parameters = new DynamicParameters();

        // The state and text filters are a job's own; team, owner and visibility are a sweep's too (its jobs share them).
        var own = OwnConditions(query, "j", parameters);
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            conditions.Add("j.team = $team");
            parameters.Add("$team", query.Team.Trim());
        }

        if (!string.IsNullOrWhiteSpace(query.Owner))
        {
            conditions.Add("j.owner = $owner");
            parameters.Add("$owner", query.Owner.Trim());
        }

        if (query.VisibleTo is { } visible)
        {
            var teamNames = new List<string>();
            for (var i = 0; i < visible.Teams.Count; i++)
            {
                teamNames.Add($"$visibleTeam{i}");
                parameters.Add($"$visibleTeam{i}", visible.Teams[i]);
            }

            conditions.Add(teamNames.Count == 0 ? "j.owner = $visibleOwner" : $"(j.owner = $visibleOwner OR j.team IN ({string.Join(", ", teamNames)}))");
            parameters.Add("$visibleOwner", visible.Owner);
        }

        if (query.Sweep is { } sweep)
        {
            conditions.Add("j.id IN (SELECT sc.job_id FROM job_controls sc WHERE sc.sweep_id = $sweep)");
            parameters.Add("$sweep", sweep);
            conditions.AddRange(own);
        }
        else if (query.FoldSweeps)
        {
            // One row per sweep: its first job (whose id is the sweep's) stands for it, the others are left out; the
            // sweep is listed when any of its jobs passes the state and text filters.
            conditions.Add("NOT EXISTS (SELECT 1 FROM job_controls fc WHERE fc.job_id = j.id AND fc.sweep_id IS NOT NULL AND fc.sweep_id <> j.id)");
            if (own.Count > 0)
            {
                var member = OwnConditions(query, "m", parameters);
                conditions.Add(
                    $"(({string.Join(" AND ", own)}) OR EXISTS (SELECT 1 FROM job_controls mc JOIN jobs m ON m.id = mc.job_id WHERE mc.sweep_id = j.id AND {string.Join(" AND ", member)}))");
            }
        }
        else
        {
            conditions.AddRange(own);
        }

        parameters.Add("$limit", query.PageSize);
        parameters.Add("$offset", query.Offset);
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        var keyset = query.After is { } after ? KeysetOf(after, conditions, parameters) : [];
        return new JobPageQuery(where, OrderByOf(query.SortBy, query.Descending), parameters, keyset);
    }

    /// <summary>The state and text filters on the job aliased <paramref name="alias"/> (the parameters are shared by every alias).</summary>
    private static List<string> OwnConditions(JobQuery query, string alias, DynamicParameters parameters)
    {
        var conditions = new List<string>();
        if (query.States is { Count: > 0 } states)
        {
            var names = new List<string>();
            foreach (var (state, index) in states.Order().Select((s, i) => (s, i)))
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"$state{index}");
                names.Add(name);
                parameters.Add(name, state.ToString());
            }

            conditions.Add($"{alias}.state IN ({string.Join(", ", names)})");
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim();
            string textCondition;
            if (text.EnumerateRunes().Count() >= TrigramLength)
            {
                // The FTS5 trigram index finds every name or command that holds the text (as one quoted phrase: no
                // operator or wildcard of the text reaches the query language).
                textCondition = $"{alias}.id IN (SELECT rowid FROM jobs_text WHERE jobs_text MATCH $text)";
                parameters.Add("$text", "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
            }
            else
            {
                // One or two characters are shorter than a trigram: only a scan finds them.
                textCondition = $"{alias}.name LIKE $text ESCAPE '\\' OR {alias}.command LIKE $text ESCAPE '\\'";
                parameters.Add("$text", "%" + EscapeLike(text) + "%");
            }

            if (long.TryParse(text.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                textCondition += $" OR {alias}.id = $textId";
                parameters.Add("$textId", id);
            }

            conditions.Add($"({textCondition})");
        }

        return conditions;
    }

    private static List<string> KeysetOf(JobCursor after, List<string> filters, DynamicParameters parameters)
    {
        var expression = SortExpressions[after.SortBy];
        var direction = after.Descending ? "DESC" : "ASC";
        var beyond = after.Descending ? "<" : ">";
        parameters.Add("$afterId", after.Id);
        string Statement(string condition, string orderBy) =>
            $"SELECT {JobRow.Columns} FROM jobs j WHERE {string.Join(" AND ", [.. filters, condition])} ORDER BY {orderBy} LIMIT $limit";

        if (after.SortBy == JobSortColumn.Id)
        {
            return [Statement($"j.id {beyond} $afterId", $"j.id {direction}")];
        }

        var statements = new List<string>();
        var nullable = after.SortBy is JobSortColumn.Started or JobSortColumn.Ended;
        if (!after.AtEmptyValue)
        {
            parameters.Add("$afterValue", (object?)after.Text ?? after.Number);
            // A row value comparison is a range of the (column, id) index; an empty value never compares, so it is left out.
            statements.Add(Statement($"({expression}, j.id) {beyond} ($afterValue, $afterId)", $"{expression} {direction}, j.id {direction}"));
        }

        if (nullable)
        {
            // Jobs without a value come last either way, in id order.
            var empty = after.AtEmptyValue ? $"{expression} IS NULL AND j.id {beyond} $afterId" : $"{expression} IS NULL";
            statements.Add(Statement(empty, $"j.id {direction}"));
        }

        return statements;
    }

    /// <summary>
    /// The sort column, jobs without a value (not yet started or ended) last either way, then the id: spelled as the
    /// indexes of migration 0009 are, so a page reads only its own rows from an index (empty values are the
    /// smallest, so newest first puts them last by itself; oldest first sorts on "is empty" first).
    /// </summary>
    private static string OrderByOf(JobSortColumn column, bool descending)
    {
        var expression = SortExpressions[column];
        var direction = descending ? "DESC" : "ASC";
        var nullable = column is JobSortColumn.Started or JobSortColumn.Ended;
        var order = new StringBuilder();
        if (nullable && !descending)
        {
            order.Append(CultureInfo.InvariantCulture, $"{expression} IS NULL, ");
        }

        order.Append(CultureInfo.InvariantCulture, $"{expression} {direction}");
        if (column != JobSortColumn.Id)
        {
            order.Append(CultureInfo.InvariantCulture, $", j.id {direction}");
        }

        return order.ToString();
    }

    /// <summary>Makes <c>%</c>, <c>_</c> and the escape character itself match only themselves in a LIKE pattern.</summary>
    private static string EscapeLike(string text) =>
        text.Replace(LikeEscape, LikeEscape + LikeEscape, StringComparison.Ordinal)
            .Replace("%", LikeEscape + "%", StringComparison.Ordinal)
            .Replace("_", LikeEscape + "_", StringComparison.Ordinal);
}
