using Dapper;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Jobs;

/// <summary>Reads jobs and their event history. Writes go through <see cref="Writing.ClusterWriter"/>.</summary>
public sealed class JobStore(Database database)
{
    /// <summary>A list counts its matching jobs up to this many; past it, the page says "more than" (<see cref="JobPage.TotalIsLowerBound"/>).</summary>
    public const int DefaultCountLimit = 10_000;

    /// <summary>
    /// A text that at least this many jobs hold is tested row by row along the sort's index (a page is found after
    /// reading about page size / share of jobs that hold it); a rarer one is gathered from the full-text index and
    /// sorted. Likewise, when at least this many jobs pass the state, team, owner or visibility filters, a page sorted
    /// by another column walks that column's index instead of sorting every passing job.
    /// </summary>
    public const int DefaultCommonTextMatches = 5_000;

    private const string TextIndexedSql = $"SELECT ({JobTextIndex.ThroughSql}), (SELECT COALESCE(MAX(id), 0) FROM jobs)";

    private const string TextMatchesSql = "SELECT COUNT(*) FROM (SELECT rowid FROM jobs_text WHERE jobs_text MATCH $text LIMIT $limit)";

    /// <summary>
    /// A list filtered by a text counts up to this many: checking that a phrase is in a job costs the full-text index
    /// far more than an index range costs per row, and a person who searched reads "more than 1,000" as well as a number.
    /// </summary>
    public const int DefaultTextCountLimit = 1_000;

    /// <summary>See <see cref="DefaultCountLimit"/> (tests lower it).</summary>
    internal int CountLimit { get; init; } = DefaultCountLimit;

    /// <summary>See <see cref="DefaultTextCountLimit"/> (tests lower it).</summary>
    internal int TextCountLimit { get; init; } = DefaultTextCountLimit;

    /// <summary>See <see cref="DefaultCommonTextMatches"/> (tests lower it).</summary>
    internal int CommonTextMatches { get; init; } = DefaultCommonTextMatches;

    private const string FindSql = $"SELECT {JobRow.Columns} FROM jobs j WHERE j.id = $id";

    private const string InStateSql = $"SELECT {JobRow.Columns} FROM jobs j WHERE j.state = $state ORDER BY j.id LIMIT $limit";

    private const string ActiveInStateSql =
        $"SELECT {JobRow.Columns} FROM jobs j WHERE j.state IN ('Pending', 'Running') AND j.state = $state ORDER BY j.id LIMIT $limit";

    private const string EventsSql = """
        SELECT id AS Id, job_id AS JobId, at AS At, from_state AS FromState, to_state AS ToState, reason AS Reason, exit_code AS ExitCode
        FROM job_events WHERE job_id = $id ORDER BY id
        """;

    private const string NextIdSql = "SELECT COALESCE(MAX(id), 0) + 1 FROM jobs";

    // Spelled with the IN term of the partial index jobs_active so SQLite uses it.
    private const string SweepMembersSql =
        $"SELECT {JobRow.Columns}, c.sweep_index AS SweepIndex, c.sweep_values AS SweepValues FROM job_controls c JOIN jobs j ON j.id = c.job_id WHERE c.sweep_id = $sweep ORDER BY c.sweep_index, c.job_id";

    private const string SweepHeadSql = "SELECT id AS Id, name AS Name, owner AS Owner, team AS Team, size AS Size, max_running AS MaxRunning FROM sweeps WHERE id = $sweep";

    private const string SweepPlaceSql = "SELECT sweep_id AS Sweep, sweep_index AS SweepIndex FROM job_controls WHERE job_id = $id AND sweep_id IS NOT NULL";

    private const string PendingSql = $"SELECT {JobRow.Columns} FROM jobs j WHERE j.state IN ('Pending', 'Running') AND j.state = 'Pending'";

    public JobRecord? Find(JobId id)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<JobRow>(FindSql, new { id = id.Value })?.ToRecord();
    }

    /// <summary>The jobs of sweep <paramref name="sweep"/> (its id is its first job's), by their index in it, each index's attempts oldest first.</summary>
    public IReadOnlyList<SweepJob> SweepMembers(long sweep)
    {
        using var connection = database.OpenConnection();
        return Members(connection, null, sweep);
    }

    /// <summary>Sweep <paramref name="sweep"/> with its jobs; null when there is no such sweep.</summary>
    public SweepSummary? Sweep(long sweep)
    {
        using var connection = database.OpenConnection();
        return Summary(connection, null, sweep);
    }

    private static SweepSummary? Summary(SqliteConnection connection, SqliteTransaction? transaction, long sweep) =>
        connection.QuerySingleOrDefault<SweepHead>(SweepHeadSql, new { sweep }, transaction) is { } head
            ? new SweepSummary(head.Id, head.Name, head.Owner, head.Team, checked((int)head.Size), Members(connection, transaction, sweep), head.MaxRunning is { } max ? checked((int)max) : null)
            : null;

    private static List<SweepJob> Members(SqliteConnection connection, SqliteTransaction? transaction, long sweep) =>
        [.. connection.Query<SweepMemberRow>(SweepMembersSql, new { sweep }, transaction).Select(r => new SweepJob(checked((int)r.SweepIndex), r.ToRecord(), r.SweepValues))];

    /// <summary>The sweep and index of <paramref name="job"/>; null for a job on its own.</summary>
    public SweepMember? SweepPlace(JobId job)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<SweepPlaceRow>(SweepPlaceSql, new { id = job.Value }) is { } row ? new SweepMember(row.Sweep, checked((int)row.SweepIndex)) : null;
    }

    /// <summary>Jobs in <paramref name="state"/>, oldest id first, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<JobRecord> InState(JobState state, int limit = 1000)
    {
        using var connection = database.OpenConnection();
        var sql = state is JobState.Pending or JobState.Running ? ActiveInStateSql : InStateSql;
        return [.. connection.Query<JobRow>(sql, new { state = state.ToString(), limit }).Select(r => r.ToRecord())];
    }

    /// <summary>
    /// One page of jobs matching <paramref name="query"/>, and how many match in all (read in one transaction, so
    /// the page and the count agree). A query with <see cref="JobQuery.Problems"/> is refused with them.
    /// </summary>
    public JobPage Page(JobQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var problems = query.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The job query was refused: " + string.Join("; ", problems) + ".", nameof(query));
        }

        using var connection = database.OpenConnection();
        JobTextMatch.Register(connection);
        using var transaction = connection.BeginTransaction(deferred: true);
        var tail = JobPageQuery.UsesTextIndex(query) ? TextIndexedThrough(connection, transaction) : null;
        var commonText = IsCommonText(connection, transaction, query);
        var limit = string.IsNullOrWhiteSpace(query.Text) ? CountLimit : TextCountLimit;
        var sql = JobPageQuery.Of(query, commonText, textIndexedThrough: tail);
        sql.Parameters.Add("$countLimit", limit + 1);
        var counted = connection.ExecuteScalar<long>(sql.CountSql, sql.Parameters, transaction);
        var total = Math.Min(counted, limit);
        if (counted >= Math.Min(CommonTextMatches, limit) && query.SortBy != JobSortColumn.Id && HasIndexedFilter(query))
        {
            // Many jobs pass: walk the sort's index rather than sort every passing job (see JobPageQuery.Of).
            sql = JobPageQuery.Of(query, commonText, walkSortIndex: true, textIndexedThrough: tail);
            sql.Parameters.Add("$countLimit", limit + 1);
        }

        List<JobRecord> items;
        if (query.After is null)
        {
            items = counted <= query.Offset
                ? []
                : connection.Query<JobRow>(sql.PageSql, sql.Parameters, transaction).Select(r => r.ToRecord()).ToList();
        }
        else
        {
            items = [];
            foreach (var statement in sql.KeysetSql.TakeWhile(_ => items.Count < query.PageSize))
            {
                items.AddRange(connection.Query<JobRow>(statement, sql.Parameters, transaction).Take(query.PageSize - items.Count).Select(r => r.ToRecord()));
            }
        }

        // A folded list's sweeps: each row that stands for one carries it, with its jobs.
        var sweeps = new Dictionary<long, SweepSummary>();
        if (query.FoldSweeps && query.Sweep is null)
        {
            foreach (var item in items)
            {
                if (Summary(connection, transaction, item.Job.Id.Value) is { } sweep)
                {
                    sweeps[sweep.Id] = sweep;
                }
            }
        }

        transaction.Commit();
        var next = items.Count == query.PageSize ? JobCursor.After(items[^1], query.SortBy, query.Descending) : null;
        return new JobPage(items, checked((int)total), next, sweeps) { TotalIsLowerBound = counted > limit };
    }

    private static bool HasIndexedFilter(JobQuery query) =>
        query.States is { Count: > 0 } || !string.IsNullOrWhiteSpace(query.Team) || !string.IsNullOrWhiteSpace(query.Owner) || query.VisibleTo is not null;

    /// <summary>
    /// When jobs wait for the text index (db/0019, <see cref="JobTextIndex"/>): the last job id the index holds, read in
    /// the list's own transaction; null when it holds every job.
    /// </summary>
    private static long? TextIndexedThrough(SqliteConnection connection, SqliteTransaction transaction)
    {
        var (through, last) = connection.QuerySingle<(long Through, long Last)>(TextIndexedSql, transaction: transaction);
        return last > through ? through : null;
    }

    /// <summary>Whether at least <see cref="CommonTextMatches"/> jobs hold the query's text (a probe of the full-text index that stops there).</summary>
    private bool IsCommonText(SqliteConnection connection, SqliteTransaction? transaction, JobQuery query) =>
        JobPageQuery.UsesTextIndex(query)
        && !JobPageQuery.WalksTextIndexFirst(query)
        && connection.ExecuteScalar<long>(TextMatchesSql, new { text = JobPageQuery.TextPhrase(query.Text!), limit = CommonTextMatches }, transaction) >= CommonTextMatches;

    /// <summary>
    /// How SQLite runs <paramref name="query"/>'s page and count (EXPLAIN QUERY PLAN, one line per step): tests check
    /// that every sort and filter is served by an index.
    /// </summary>
    internal IReadOnlyList<string> QueryPlan(JobQuery query, bool scanText = false, bool walkSortIndex = false, long? textIndexedThrough = null)
    {
        var sql = JobPageQuery.Of(query, scanText, walkSortIndex, textIndexedThrough);
        sql.Parameters.Add("$countLimit", CountLimit + 1);
        using var connection = database.OpenConnection();
        JobTextMatch.Register(connection);
        var pages = query.After is null ? [sql.PageSql] : sql.KeysetSql;
        return
        [
            .. pages.SelectMany(page => connection.Query<PlanStep>("EXPLAIN QUERY PLAN " + page, sql.Parameters)).Select(s => "page: " + s.Detail),
            .. connection.Query<PlanStep>("EXPLAIN QUERY PLAN " + sql.CountSql, sql.Parameters).Select(s => "count: " + s.Detail),
        ];
    }

    /// <summary>Everything that happened to a job, in order.</summary>
    public IReadOnlyList<JobEvent> Events(JobId id)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<EventRow>(EventsSql, new { id = id.Value }).Select(r => r.ToEvent())];
    }

    /// <summary>The id the next submitted job gets: one more than the largest stored id.</summary>
    public JobId NextId()
    {
        using var connection = database.OpenConnection();
        return NextId(connection, null);
    }

    internal static JobId NextId(SqliteConnection connection, SqliteTransaction? transaction) =>
        new(connection.ExecuteScalar<long>(NextIdSql, transaction: transaction));

    internal static List<Job> Pending(SqliteConnection connection, SqliteTransaction? transaction) =>
        [.. connection.Query<JobRow>(PendingSql, transaction: transaction).Select(r => r.ToJob())];

    private sealed class PlanStep
    {
        public long Id { get; set; }

        public long Parent { get; set; }

        public long Notused { get; set; }

        public string Detail { get; set; } = "";
    }

    private sealed class EventRow
    {
        public long Id { get; set; }

        public long JobId { get; set; }

        public DateTimeOffset At { get; set; }

        public string FromState { get; set; } = "";

        public string ToState { get; set; } = "";

        public string? Reason { get; set; }

        public long? ExitCode { get; set; }

        public JobEvent ToEvent() => new(
            Id,
            new JobId(JobId),
            At,
            Enum.Parse<JobState>(FromState),
            Enum.Parse<JobState>(ToState),
            Reason,
            ExitCode is { } code ? checked((int)code) : null);
    }

    private sealed class SweepMemberRow : JobRow
    {
        public long SweepIndex { get; set; }

        public string? SweepValues { get; set; }
    }

    private sealed class SweepPlaceRow
    {
        public long Sweep { get; set; }

        public long SweepIndex { get; set; }
    }

    private sealed class SweepHead
    {
        public long Id { get; set; }

        public string Name { get; set; } = "";

        public string Owner { get; set; } = "";

        public string Team { get; set; } = "";

        public long Size { get; set; }

        public long? MaxRunning { get; set; }
    }
}
