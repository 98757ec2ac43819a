using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.UsageHistory;

/// <summary>
/// The usage table's job columns over a range, answered from the per-day job roll-ups (team_job_days,
/// member_job_days, job_first_starts; fed from released allocations by <see cref="RollUpJobDays"/>, see db/0003) for
/// the range's whole UTC days, and from the allocations themselves for its partial first and last days and for what
/// is still held or queued for the next roll-up (their first starts' waits join the p95). The answer equals
/// <see cref="UsageTotalling.Total"/> over <see cref="Segments"/> exactly (to the millisecond, jobs, mean and p95
/// wait), only without reading every allocation of the range.
/// </summary>
public sealed partial class UsageHistoryStore
{
    private const string SegmentColumns = """
        SELECT a.job_id, j.team, j.owner, j.submitted_at, a.attempt, a.started_at, a.released_at, j.gpus, a.cpu_millicores, a.memory_mib
        FROM allocations a JOIN jobs j ON j.id = a.job_id
        """;

    // CROSS JOIN keeps allocations (by allocations_by_release) the outer loop: a range's edge or what is held now is a
    // few rows there, while a team filter would otherwise start from every job of the team.
    private const string AllocationsFirst = """
        SELECT a.job_id, j.team, j.owner, j.submitted_at, a.attempt, a.started_at, a.released_at, j.gpus, a.cpu_millicores, a.memory_mib
        FROM allocations a CROSS JOIN jobs j ON j.id = a.job_id
        """;

    private const string ReleasedWithinSql = AllocationsFirst + """
         WHERE a.released_at > $from AND a.started_at < $to
         AND NOT EXISTS (SELECT 1 FROM job_days_pending q WHERE q.job_id = a.job_id AND q.attempt = a.attempt)
        """;

    private const string StillHeldSql = AllocationsFirst + " WHERE a.released_at IS NULL AND a.started_at < $to";

    private const string QueuedSql = """
        SELECT a.job_id, j.team, j.owner, j.submitted_at, a.attempt, a.started_at, a.released_at, j.gpus, a.cpu_millicores, a.memory_mib
        FROM job_days_pending q CROSS JOIN allocations a ON a.job_id = q.job_id AND a.attempt = q.attempt CROSS JOIN jobs j ON j.id = a.job_id
        WHERE a.started_at < $to
        """;

    // The queued allocations split into the UTC days they held anything on, and their first starts: the same parts
    // as the view job_day_parts (db/0003), for the queue only.
    private const string QueuedPartsCte = """
        WITH RECURSIVE parts (job_id, attempt, day, started_at, released_at) AS (
            SELECT a.job_id, a.attempt, a.started_at - (a.started_at % 86400000), a.started_at, a.released_at
            FROM job_days_pending q JOIN allocations a ON a.job_id = q.job_id AND a.attempt = q.attempt
            WHERE a.released_at > a.started_at
            UNION ALL
            SELECT job_id, attempt, day + 86400000, started_at, released_at FROM parts WHERE day + 86400000 < released_at
        ),
        queued_parts (day, team, user_name, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms) AS (
            SELECT p.day, j.team, j.owner, ms, j.gpus * ms, a.cpu_millicores * ms, a.memory_mib * ms, 0, 0
            FROM (SELECT *, MIN(released_at, day + 86400000) - MAX(started_at, day) AS ms FROM parts) p
            JOIN allocations a ON a.job_id = p.job_id AND a.attempt = p.attempt
            JOIN jobs j ON j.id = p.job_id
            UNION ALL
            SELECT a.started_at - (a.started_at % 86400000), j.team, j.owner, 0, 0, 0, 0, 1, MAX(0, a.started_at - j.submitted_at)
            FROM job_days_pending q JOIN allocations a ON a.job_id = q.job_id AND a.attempt = q.attempt JOIN jobs j ON j.id = a.job_id
            WHERE q.attempt = 1
        )
        """;

    private const string DaySumsUpdate = """
        held_ms = held_ms + excluded.held_ms, gpu_ms = gpu_ms + excluded.gpu_ms, millicore_ms = millicore_ms + excluded.millicore_ms,
        mib_ms = mib_ms + excluded.mib_ms, jobs_started = jobs_started + excluded.jobs_started, wait_ms = wait_ms + excluded.wait_ms
        """;

    private const string RollUpJobDaysSql = QueuedPartsCte + $"""
        INSERT INTO team_job_days (day, team, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms)
        SELECT day, team, SUM(held_ms), SUM(gpu_ms), SUM(millicore_ms), SUM(mib_ms), SUM(jobs_started), SUM(wait_ms)
        FROM queued_parts WHERE true GROUP BY day, team
        ON CONFLICT (day, team) DO UPDATE SET {DaySumsUpdate};
        """ + QueuedPartsCte + $"""
        INSERT INTO member_job_days (day, team, user_name, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms)
        SELECT day, team, user_name, SUM(held_ms), SUM(gpu_ms), SUM(millicore_ms), SUM(mib_ms), SUM(jobs_started), SUM(wait_ms)
        FROM queued_parts WHERE true GROUP BY day, team, user_name
        ON CONFLICT (day, team, user_name) DO UPDATE SET {DaySumsUpdate};
        INSERT INTO job_first_starts (started_at, job_id, team, user_name, wait_ms)
        SELECT a.started_at, a.job_id, j.team, j.owner, MAX(0, a.started_at - j.submitted_at)
        FROM job_days_pending q JOIN allocations a ON a.job_id = q.job_id AND a.attempt = q.attempt JOIN jobs j ON j.id = a.job_id
        WHERE q.attempt = 1;
        DELETE FROM job_days_pending;
        """;

    private const string JobDaySums = "SUM(held_ms), SUM(gpu_ms), SUM(millicore_ms), SUM(mib_ms), SUM(jobs_started), SUM(wait_ms)";

    private const string FirstStartsSql = "SELECT team, user_name, wait_ms FROM job_first_starts WHERE started_at >= $from AND started_at < $to";

    // Walks one team's (or member's) released waits from the longest down, skipping those outside the range: the p95
    // is the (n - rank + 1)-th longest, a few per cent of them.
    private const string TeamWaitSql = """
        SELECT wait_ms FROM job_first_starts INDEXED BY job_first_starts_by_team_wait
        WHERE team = $team AND started_at >= $from AND started_at < $to
        ORDER BY wait_ms DESC
        """;

    private const string MemberWaitSql = """
        SELECT wait_ms FROM job_first_starts INDEXED BY job_first_starts_by_member_wait
        WHERE team = $team AND user_name = $user AND started_at >= $from AND started_at < $to
        ORDER BY wait_ms DESC
        """;

    private const string RebuildJobDaysSql = """
        DELETE FROM job_days_pending;
        DELETE FROM job_first_starts;
        DELETE FROM team_job_days;
        DELETE FROM member_job_days;
        INSERT INTO job_first_starts (started_at, job_id, team, user_name, wait_ms)
        SELECT started_at, job_id, team, user_name, wait_ms FROM released_first_starts;
        INSERT INTO team_job_days (day, team, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms)
        SELECT day, team, SUM(held_ms), SUM(gpu_ms), SUM(millicore_ms), SUM(mib_ms), SUM(jobs_started), SUM(wait_ms)
        FROM job_day_parts GROUP BY day, team;
        INSERT INTO member_job_days (day, team, user_name, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms)
        SELECT day, team, user_name, SUM(held_ms), SUM(gpu_ms), SUM(millicore_ms), SUM(mib_ms), SUM(jobs_started), SUM(wait_ms)
        FROM job_day_parts GROUP BY day, team, user_name;
        """;

    /// <summary>
    /// One row per team (or, with <paramref name="byUser"/>, per team member) of <paramref name="filter"/>'s jobs that
    /// held anything in [from, to) or first started there, keyed by <paramref name="key"/> (team, user or null) and in
    /// ordinal key order: what they held (split exactly at the range's edges; an allocation still held counts up to
    /// <paramref name="now"/>), how many jobs first started in the range, and their mean and p95 (nearest rank) wait.
    /// Times are taken to the whole millisecond. A range without a whole UTC day in it is read allocation by allocation.
    /// </summary>
    public IReadOnlyList<UsageTotals> JobTotals(JobFilter filter, bool byUser, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, Func<string, string?, string> key)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(key);
        var (fromMs, toMs) = (UtcTimestamp.ToStored(from), UtcTimestamp.ToStored(to));
        (from, to, now) = (UtcTimestamp.FromStored(fromMs), UtcTimestamp.FromStored(toMs), UtcTimestamp.Truncate(now));
        var days = WholeDays.Of(fromMs, toMs);
        if (!days.Any)
        {
            return UsageTotalling.Total(Segments(filter, from, to), s => key(s.Team, byUser ? s.Owner : null), from, to, now);
        }

        using var connection = database.OpenConnection();
        // One read transaction: an allocation released meanwhile is either still held or in the day rows, never both.
        using var transaction = connection.BeginTransaction(deferred: true);
        var totals = new Dictionary<(string Team, string? User), JobTally>();
        JobTally Of(string team, string? user)
        {
            var k = (team, byUser ? user : null);
            if (!totals.TryGetValue(k, out var total))
            {
                totals[k] = total = new JobTally();
            }

            return total;
        }

        ReadJobDays(connection, transaction, filter, byUser, days.FirstDay, days.LastDay, Of);
        foreach (var (edgeFrom, edgeTo) in days.Edges.Select(e => (UtcTimestamp.FromStored(e.From), UtcTimestamp.FromStored(e.To))))
        {
            foreach (var segment in ReadSegments(connection, transaction, ReleasedWithinSql, filter, edgeFrom, edgeTo))
            {
                Of(segment.Team, segment.Owner).Add(UsageSplit.Within(segment, edgeFrom, edgeTo, now));
            }

            ReadFirstStarts(connection, transaction, filter, edgeFrom, edgeTo, Of);
        }

        // What is still held or queued is in no roll-up yet: all of it that falls in the range, and its first starts.
        foreach (var sql in new[] { StillHeldSql, QueuedSql })
        {
            foreach (var segment in ReadSegments(connection, transaction, sql, filter, from, to))
            {
                var total = Of(segment.Team, segment.Owner);
                total.Add(UsageSplit.Within(segment, from, to, now));
                if (segment.Attempt == 1 && segment.Start >= from)
                {
                    total.AddUnrolledStart((long)segment.Wait.TotalMilliseconds);
                }
            }
        }

        var rows = new List<UsageTotals>(totals.Count);
        foreach (var ((team, user), total) in totals)
        {
            if (total.IsEmpty)
            {
                continue;
            }

            TimeSpan? p95 = total.P95PlaceFromLongest is { } place
                ? TimeSpan.FromMilliseconds(WaitFromLongest(connection, transaction, team, user ?? filter.Owner, from, to, place, total.UnrolledWaits))
                : null;
            rows.Add(new UsageTotals(key(team, user), total.Held, checked((int)total.Jobs), total.MeanWait, p95));
        }

        transaction.Commit();
        rows.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return rows;
    }

    /// <summary>
    /// Moves the allocations released since the last call (queued by the release trigger) into the job-day roll-ups
    /// and first starts, and empties the queue, in one transaction. Off the engine's thread (the usage sampler calls
    /// it every minute); readers see every allocation exactly once before, during and after it.
    /// </summary>
    public void RollUpJobDays()
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, RollUpJobDaysSql);
        transaction.Commit();
    }

    /// <summary>
    /// Recomputes the job-day roll-ups and first starts from jobs and allocations and empties the queue, in one
    /// transaction (the migration that created them ran the same statements). A repair: the answers do not change
    /// when nothing was wrong.
    /// </summary>
    public void RebuildJobDays()
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, RebuildJobDaysSql);
        transaction.Commit();
    }

    private static void ReadJobDays(SqliteConnection connection, SqliteTransaction transaction, JobFilter filter, bool byUser, long firstDay, long lastDay, Func<string, string?, JobTally> of)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // Team rows answer for whole teams; one person's jobs (or rows per person) need the member rows.
        var members = byUser || filter.Owner is not null;
        var (table, user, group) = (members ? "member_job_days" : "team_job_days", byUser ? "user_name" : "NULL", byUser ? "team, user_name" : "team");
        var where = TeamClause(command, "team", filter.Teams);
        if (filter.Owner is not null)
        {
            where += " AND user_name = $owner";
            command.Parameters.AddWithValue("$owner", filter.Owner);
        }

        command.CommandText = $"SELECT team, {user}, {JobDaySums} FROM {table} WHERE day >= $from AND day < $to{where} GROUP BY {group}";
        command.Parameters.AddWithValue("$from", firstDay);
        command.Parameters.AddWithValue("$to", lastDay);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var total = of(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
            var held = reader.GetInt64(2);
            total.Add(new HeldAmount(held, reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
            total.AddStarts(reader.GetInt64(6), reader.GetInt64(7));
        }
    }

    private static void ReadFirstStarts(SqliteConnection connection, SqliteTransaction transaction, JobFilter filter, DateTimeOffset from, DateTimeOffset to, Func<string, string?, JobTally> of)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = FirstStartsSql + TeamClause(command, "team", filter.Teams);
        if (filter.Owner is not null)
        {
            sql += " AND user_name = $owner";
            command.Parameters.AddWithValue("$owner", filter.Owner);
        }

        command.CommandText = sql;
        command.Parameters.AddWithValue("$from", UtcTimestamp.ToStored(from));
        command.Parameters.AddWithValue("$to", UtcTimestamp.ToStored(to));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            of(reader.GetString(0), reader.GetString(1)).AddStarts(1, reader.GetInt64(2));
        }
    }

    /// <summary>
    /// The wait <paramref name="fromLongest"/> places below the longest among the range's rolled-up first starts
    /// (job_first_starts) and <paramref name="stillHeld"/> (first starts still held or queued) together.
    /// </summary>
    private static long WaitFromLongest(SqliteConnection connection, SqliteTransaction transaction, string team, string? user, DateTimeOffset from, DateTimeOffset to, long fromLongest, IReadOnlyList<long> stillHeld)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = user is null ? TeamWaitSql : MemberWaitSql;
        command.Parameters.AddWithValue("$team", team);
        if (user is not null)
        {
            command.Parameters.AddWithValue("$user", user);
        }

        command.Parameters.AddWithValue("$from", UtcTimestamp.ToStored(from));
        command.Parameters.AddWithValue("$to", UtcTimestamp.ToStored(to));
        if (stillHeld.Count == 0)
        {
            command.CommandText += " LIMIT 1 OFFSET $offset";
            command.Parameters.AddWithValue("$offset", fromLongest);
            return command.ExecuteScalar() is long wait ? wait : throw Inconsistent(team, user);
        }

        // The longest released waits merged with the still-held ones, longest first.
        command.CommandText += " LIMIT $count";
        command.Parameters.AddWithValue("$count", fromLongest + 1);
        return LongestWaits.At(Waits(command), stillHeld, fromLongest) ?? throw Inconsistent(team, user);
    }

    private static IEnumerable<long> Waits(SqliteCommand command)
    {
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            yield return reader.GetInt64(0);
        }
    }

    private static InvalidOperationException Inconsistent(string team, string? user) =>
        new($"job_first_starts holds fewer starts of {team} {user} in the range than the job-day roll-ups count; run RebuildJobDays.");

    private static List<HeldSegment> ReadSegments(SqliteConnection connection, SqliteTransaction? transaction, string sql, JobFilter filter, DateTimeOffset from, DateTimeOffset to)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        sql += TeamClause(command, "j.team", filter.Teams);
        if (filter.Owner is not null)
        {
            sql += " AND j.owner = $owner";
            command.Parameters.AddWithValue("$owner", filter.Owner);
        }

#pragma warning disable CA2100 // Constants of this class and generated parameter names only.
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Parameters.AddWithValue("$from", UtcTimestamp.ToStored(from));
        command.Parameters.AddWithValue("$to", UtcTimestamp.ToStored(to));
        var segments = new List<HeldSegment>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            segments.Add(new HeldSegment(
                new JobId(reader.GetInt64(0)),
                reader.GetString(1),
                reader.GetString(2),
                UtcTimestamp.FromStored(reader.GetInt64(3)),
                reader.GetInt32(4),
                UtcTimestamp.FromStored(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : UtcTimestamp.FromStored(reader.GetInt64(6)),
                reader.GetInt32(7),
                reader.GetInt64(8),
                reader.GetInt64(9)));
        }

        return segments;
    }
}
