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

    /// <summary>Where a page reads its jobs: the jobs table, or the full-text index's matches joined to their jobs.</summary>
    private const string TextIndexFirst = "jobs_text CROSS JOIN jobs j ON j.id = jobs_text.rowid";

    /// <summary>The page's columns read from the full-text index's side: the id is the index's rowid, so a merge of two id orders needs no sort.</summary>
    private static readonly string IndexFirstColumns = ReplaceFirst(JobRow.Columns, "j.id,", "jobs_text.rowid AS id,");

    /// <summary>
    /// Sorted by id while jobs wait for the text index: the conditions (without WHERE) that find a text among them. A
    /// page is then the index's matches and theirs, two id orders merged (a compound SELECT ordered by its first column).
    /// </summary>
    private readonly string? unindexedConditions;

    private readonly string pageOrder;

    private JobPageQuery(string from, string where, string orderBy, DynamicParameters parameters, IReadOnlyList<string> keysetSql, string countSql, string? unindexedConditions = null, string pageOrder = "")
    {
        this.unindexedConditions = unindexedConditions;
        this.pageOrder = pageOrder;
        From = from;
        Where = where;
        OrderBy = orderBy;
        Parameters = parameters;
        KeysetSql = keysetSql;
        CountSql = countSql;
    }

    /// <summary>The SQL function that tells whether a name or a command holds a text (registered by <see cref="JobTextMatch"/>).</summary>
    public const string TextHoldsFunction = "job_text_holds";

    /// <summary>
    /// For a query with a cursor: the page's statements, run in order until the page is full (each reads at most a page).
    /// A sort column that may be empty (started, ended) reads the jobs with a value first, then those without: each
    /// statement walks one stretch of the sort's index from the cursor on, so no statement sorts or skips rows.
    /// </summary>
    public IReadOnlyList<string> KeysetSql { get; }

    public string Where { get; }

    public string OrderBy { get; }

    public DynamicParameters Parameters { get; }

    /// <summary>
    /// How many jobs match, counted up to <c>$countLimit</c> (the caller asks for one more than it shows, so it can
    /// say "more than"): a count stops after that many rows instead of reading every match of a million.
    /// </summary>
    public string CountSql { get; }

    /// <summary>The tables a page reads (see <see cref="TextIndexFirst"/>).</summary>
    public string From { get; }

    public string PageSql => unindexedConditions is null
        ? $"SELECT {JobRow.Columns} FROM {From}{Where} ORDER BY {OrderBy} LIMIT $limit OFFSET $offset"
        : $"SELECT {IndexFirstColumns} FROM {From}{Where} UNION ALL SELECT {JobRow.Columns} FROM jobs j WHERE {unindexedConditions} ORDER BY 1 {pageOrder} LIMIT $limit OFFSET $offset";

    /// <summary>
    /// The statements for <paramref name="query"/>. A text of three characters or more is found one of three ways:
    /// sorted by id, the full-text index's matches are walked in id order (FTS5 keeps them so) and joined to their
    /// jobs, so a page reads its own matches only; otherwise, with <paramref name="scanText"/> (a text that many jobs
    /// hold, see <see cref="JobStore.Page"/>), the text is tested on each row the sort's index brings, so a page reads
    /// about page size / share of matching jobs rows; otherwise every match is gathered from the index and sorted
    /// (few, since the text is rare). A count of a text walks the index's matches, and stops at the count's limit.
    /// </summary>
    /// <remarks>
    /// With <paramref name="walkSortIndex"/> (many jobs pass the filters, see <see cref="JobStore.Page"/>) the filters'
    /// columns are written <c>+j.team</c>, which keeps SQLite from reading them through their own indexes: it walks the
    /// sort's index and tests each row, and a page costs about page size / share of passing jobs rows, instead of
    /// reading every passing job through the filter's index and sorting them all.
    /// </remarks>
    /// <param name="query">The list's query.</param>
    /// <param name="scanText">Test the text on each row (a text many jobs hold).</param>
    /// <param name="walkSortIndex">Walk the sort's index (many jobs pass the filters).</param>
    /// <param name="textIndexedThrough">
    /// When jobs wait for the text index (db/0019): the last job id it holds. The jobs after it are tested one by one
    /// beside the index's matches, and a page sorted by id gathers its matches instead of walking the index first.
    /// </param>
    public static JobPageQuery Of(JobQuery query, bool scanText = false, bool walkSortIndex = false, long? textIndexedThrough = null) =>
        Of(query, scanText, walkSortIndex, textIndexedThrough, unindexedOnly: false);

    private static JobPageQuery Of(JobQuery query, bool scanText, bool walkSortIndex, long? textIndexedThrough, bool unindexedOnly)
    {
        ArgumentNullException.ThrowIfNull(query);
        var column = walkSortIndex && query.SortBy != JobSortColumn.Id ? "+j." : "j.";
        var conditions = new List<string>();
        var parameters = new DynamicParameters();
        var tail = UsesTextIndex(query) ? textIndexedThrough : null;
        var textBy = !UsesTextIndex(query) ? TextSearch.RowTest
            : !CountsThroughTextIndex(query) ? (scanText ? TextSearch.RowTest : TextSearch.IndexList)
            : unindexedOnly ? TextSearch.UnindexedOnly
            : query.SortBy == JobSortColumn.Id ? TextSearch.IndexFirst
            : scanText ? TextSearch.RowTest : TextSearch.IndexList;
        if (tail is { } through)
        {
            parameters.Add("$textIndexed", through);
            parameters.Add("$needle", query.Text!.Trim());
        }

        // The state and text filters are a job's own; team, owner and visibility are a sweep's too (its jobs share them).
        var own = OwnConditions(query, "j", parameters, textBy, column != "j.", tail is not null);
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            conditions.Add($"{column}team = $team");
            parameters.Add("$team", query.Team.Trim());
        }

        if (!string.IsNullOrWhiteSpace(query.Owner))
        {
            conditions.Add($"{column}owner = $owner");
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

            conditions.Add(teamNames.Count == 0 ? $"{column}owner = $visibleOwner" : $"({column}owner = $visibleOwner OR {column}team IN ({string.Join(", ", teamNames)}))");
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
                var member = OwnConditions(query, "m", parameters, textBy, false, tail is not null);
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
        var from = textBy == TextSearch.IndexFirst ? TextIndexFirst : "jobs j";
        // Sorted by id through the index while jobs wait for it: the same filters with the text tested on those jobs.
        var unindexedConditions = textBy == TextSearch.IndexFirst && tail is not null
            ? Of(query, scanText, walkSortIndex, tail, unindexedOnly: true).Where[" WHERE ".Length..]
            : null;
        var keyset = query.After is { } after ? KeysetOf(after, from, conditions, parameters, unindexedConditions) : [];
        var unindexedCount = unindexedConditions is null ? "" : $" UNION ALL SELECT 1 FROM jobs j WHERE {unindexedConditions}";
        var count = $"SELECT COUNT(*) FROM (SELECT 1 FROM {from}{where}{unindexedCount} LIMIT $countLimit)";
        if (textBy == TextSearch.RowTest && CountsThroughTextIndex(query))
        {
            // Driven by the full-text index (CROSS JOIN keeps it the outer loop): each match is looked up by id and
            // tested against the other filters, until the count's limit.
            var others = Of(query with { Text = null }).Where;
            var filters = others.Length == 0 ? "" : " AND " + others[" WHERE ".Length..];
            // The jobs not yet in the index (a range of ids after it) are tested one by one and counted with its matches.
            var unindexed = tail is null ? "" : $" UNION ALL SELECT 1 FROM jobs j WHERE j.id > $textIndexed AND {TextHoldsFunction}(j.name, j.command, $needle){filters}";
            count = $"SELECT COUNT(*) FROM (SELECT 1 FROM jobs_text CROSS JOIN jobs j ON j.id = jobs_text.rowid WHERE jobs_text MATCH $text{filters}{unindexed} LIMIT $countLimit)";
        }

        return new JobPageQuery(from, where, OrderByOf(query.SortBy, query.Descending, textBy), parameters, keyset, count, unindexedConditions, query.Descending ? "DESC" : "ASC");
    }

    /// <summary>The phrase that asks the FTS5 index for a text: quoted, so no operator or wildcard of the text reaches the query language.</summary>
    public static string TextPhrase(string text) => "\"" + text.Trim().Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Whether the full-text index alone can tell which jobs a query's text brings in (a text of three characters or more, not an id; no folded sweeps, whose rows other jobs bring in).</summary>
    public static bool UsesTextIndex(JobQuery query) =>
        query is { Text: { } text } && !string.IsNullOrWhiteSpace(text) && text.Trim().EnumerateRunes().Count() >= TrigramLength;

    /// <summary>Whether a page of <paramref name="query"/> walks the full-text index's matches in id order (then how common its text is does not matter).</summary>
    public static bool WalksTextIndexFirst(JobQuery query) => query.SortBy == JobSortColumn.Id && CountsThroughTextIndex(query);

    private static bool CountsThroughTextIndex(JobQuery query) =>
        UsesTextIndex(query) && !IsId(query.Text!.Trim(), out _) && !(query.FoldSweeps && query.Sweep is null);

    private static bool IsId(string text, out long id) => long.TryParse(text.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out id);

    /// <summary>The state and text filters on the job aliased <paramref name="alias"/> (the parameters are shared by every alias).</summary>
    private static List<string> OwnConditions(JobQuery query, string alias, DynamicParameters parameters, TextSearch textBy, bool unindexed, bool textTail)
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

            conditions.Add($"{(unindexed ? "+" : "")}{alias}.state IN ({string.Join(", ", names)})");
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim();
            string textCondition;
            if (text.EnumerateRunes().Count() >= TrigramLength)
            {
                // The FTS5 trigram index knows every name or command that holds the text (see TextPhrase).
                parameters.Add("$text", TextPhrase(text));
            }

            if (textBy == TextSearch.UnindexedOnly)
            {
                textCondition = $"{alias}.id > $textIndexed AND {TextHoldsFunction}({alias}.name, {alias}.command, $needle)";
            }
            else if (textBy == TextSearch.IndexFirst)
            {
                textCondition = "jobs_text MATCH $text";
            }
            else if (textBy == TextSearch.IndexList)
            {
                // The jobs after the index's last one ($textIndexed, a range of the primary key) are tested one by one;
                // one list of ids either way, so the jobs are still read by id (an OR would walk the whole table).
                var tailIds = textTail
                    ? $" UNION ALL SELECT t.id FROM jobs t WHERE t.id > $textIndexed AND {TextHoldsFunction}(t.name, t.command, $needle)"
                    : "";
                textCondition = $"{alias}.id IN (SELECT rowid FROM jobs_text WHERE jobs_text MATCH $text{tailIds})";
            }
            else
            {
                // Tested on each row: a text most jobs hold (the sort's index finds a page's worth at once), or one or
                // two characters, shorter than a trigram.
                textCondition = $"{TextHoldsFunction}({alias}.name, {alias}.command, $needle)";
                parameters.Add("$needle", text);
            }

            if (IsId(text, out var id))
            {
                textCondition += $" OR {alias}.id = $textId";
                parameters.Add("$textId", id);
            }

            conditions.Add($"({textCondition})");
        }

        return conditions;
    }

    private static List<string> KeysetOf(JobCursor after, string from, List<string> filters, DynamicParameters parameters, string? unindexedConditions)
    {
        var expression = SortExpressions[after.SortBy];
        var direction = after.Descending ? "DESC" : "ASC";
        var beyond = after.Descending ? "<" : ">";
        parameters.Add("$afterId", after.Id);
        string Statement(string condition, string orderBy) =>
            $"SELECT {JobRow.Columns} FROM {from} WHERE {string.Join(" AND ", [.. filters, condition])} ORDER BY {orderBy} LIMIT $limit";

        if (after.SortBy == JobSortColumn.Id)
        {
            // Walking the full-text index first, its rowid is the job's id: the range and the order go to the index.
            var id = from == TextIndexFirst ? "jobs_text.rowid" : "j.id";
            if (unindexedConditions is not null)
            {
                // The index's matches and the waiting jobs' past the cursor, two id orders merged.
                return [$"SELECT {IndexFirstColumns} FROM {from} WHERE {string.Join(" AND ", [.. filters, $"{id} {beyond} $afterId"])} UNION ALL "
                    + $"SELECT {JobRow.Columns} FROM jobs j WHERE {unindexedConditions} AND j.id {beyond} $afterId ORDER BY 1 {direction} LIMIT $limit"];
            }

            return [Statement($"{id} {beyond} $afterId", $"{id} {direction}")];
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
    private static string OrderByOf(JobSortColumn column, bool descending, TextSearch textBy)
    {
        if (column == JobSortColumn.Id && textBy == TextSearch.IndexFirst)
        {
            return $"jobs_text.rowid {(descending ? "DESC" : "ASC")}";
        }

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

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        var at = text.IndexOf(old, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + old.Length)..];
    }
}

/// <summary>How a list finds the jobs that hold a text (see <see cref="JobPageQuery.Of"/>).</summary>
internal enum TextSearch
{
    /// <summary>Each row the sort's index brings is tested (also any text shorter than a trigram).</summary>
    RowTest,

    /// <summary>Every match is gathered from the full-text index, then the page sorted from them.</summary>
    IndexList,

    /// <summary>The full-text index's matches are walked in id order, each joined to its job.</summary>
    IndexFirst,

    /// <summary>Only the jobs after the index's last one, each tested (the second half of <see cref="IndexFirst"/> while jobs wait for the index).</summary>
    UnindexedOnly,
}
