using System.Globalization;
using Dashboard.Data.Usage;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.UsageHistory;

/// <summary>
/// Utilisation history: writes each minute's samples (team samples through <see cref="UsageWrites"/>, which owns
/// that table, and member samples here), rolls minutes up into hours and hours into days, applies retention, and
/// reads what the usage page charts (sample points) and tabulates (job allocations). Its writes touch only history
/// tables, never cluster state, on a connection of their own; the engine loop stays the only writer of the cluster.
/// </summary>
public sealed partial class UsageHistoryStore(Database database)
{
    public const long HourMs = 3_600_000;
    public const long DayMs = WholeDays.DayMs;

    private const string MemberSampleSql = """
        INSERT INTO member_utilisation_samples (team, user_name, minute, simulated, gpus, cpu_millicores, memory_mib, gpu_utilisation_pct, gpu_memory_used_mib)
        VALUES ($team, $user, $minute, $simulated, $gpus, $cpu_millicores, $memory_mib, $gpu_utilisation_pct, $gpu_memory_used_mib)
        ON CONFLICT (team, user_name, minute, simulated) DO UPDATE SET
            gpus = excluded.gpus, cpu_millicores = excluded.cpu_millicores, memory_mib = excluded.memory_mib,
            gpu_utilisation_pct = excluded.gpu_utilisation_pct, gpu_memory_used_mib = excluded.gpu_memory_used_mib
        """;

    private const string Values = "gpu_minutes, cpu_millicore_minutes, memory_mib_minutes, measured_gpu_minutes, used_gpu_minutes, gpu_memory_used_mib_minutes";

    private const string TeamRollupSql = $"""
        INSERT OR REPLACE INTO team_utilisation_rollups (granularity, bucket_start, team, simulated, {Values})
        VALUES ($granularity, $bucket_start, $team, $simulated, $gpu_minutes, $cpu_millicore_minutes, $memory_mib_minutes, $measured_gpu_minutes, $used_gpu_minutes, $gpu_memory_used_mib_minutes)
        """;

    private const string MemberRollupSql = $"""
        INSERT OR REPLACE INTO member_utilisation_rollups (granularity, bucket_start, team, user_name, simulated, {Values})
        VALUES ($granularity, $bucket_start, $team, $user, $simulated, $gpu_minutes, $cpu_millicore_minutes, $memory_mib_minutes, $measured_gpu_minutes, $used_gpu_minutes, $gpu_memory_used_mib_minutes)
        """;

    private const string MinuteSums = """
        SUM(gpus), SUM(cpu_millicores), SUM(memory_mib),
        SUM(CASE WHEN gpu_utilisation_pct IS NULL THEN 0 ELSE gpus END),
        TOTAL(gpus * gpu_utilisation_pct / 100.0),
        COALESCE(SUM(gpu_memory_used_mib), 0)
        """;

    private const string RollupSums = """
        SUM(gpu_minutes), SUM(cpu_millicore_minutes), SUM(memory_mib_minutes), SUM(measured_gpu_minutes),
        TOTAL(used_gpu_minutes), SUM(gpu_memory_used_mib_minutes)
        """;

    private const string HoursFromTeamMinutesSql = $"""
        INSERT OR REPLACE INTO team_utilisation_rollups (granularity, bucket_start, team, simulated, {Values})
        SELECT 'hour', minute - (minute % 3600000), team, simulated, {MinuteSums}
        FROM team_utilisation_samples WHERE minute >= $from AND minute < $to
        GROUP BY minute - (minute % 3600000), team, simulated
        """;

    private const string HoursFromMemberMinutesSql = $"""
        INSERT OR REPLACE INTO member_utilisation_rollups (granularity, bucket_start, team, user_name, simulated, {Values})
        SELECT 'hour', minute - (minute % 3600000), team, user_name, simulated, {MinuteSums}
        FROM member_utilisation_samples WHERE minute >= $from AND minute < $to
        GROUP BY minute - (minute % 3600000), team, user_name, simulated
        """;

    private const string TeamDaysFromHoursSql = $"""
        INSERT OR REPLACE INTO team_utilisation_rollups (granularity, bucket_start, team, simulated, {Values})
        SELECT 'day', bucket_start - (bucket_start % 86400000), team, simulated, {RollupSums}
        FROM team_utilisation_rollups WHERE granularity = 'hour' AND bucket_start >= $from AND bucket_start < $to
        GROUP BY bucket_start - (bucket_start % 86400000), team, simulated
        """;

    private const string MemberDaysFromHoursSql = $"""
        INSERT OR REPLACE INTO member_utilisation_rollups (granularity, bucket_start, team, user_name, simulated, {Values})
        SELECT 'day', bucket_start - (bucket_start % 86400000), team, user_name, simulated, {RollupSums}
        FROM member_utilisation_rollups WHERE granularity = 'hour' AND bucket_start >= $from AND bucket_start < $to
        GROUP BY bucket_start - (bucket_start % 86400000), team, user_name, simulated
        """;

    private const string FirstMinuteSql = """
        SELECT MIN(m) FROM (SELECT MIN(minute) AS m FROM team_utilisation_samples UNION ALL SELECT MIN(minute) FROM member_utilisation_samples
                            UNION ALL SELECT MIN(minute) FROM team_reservation_samples)
        """;

    private const string FirstHourSql = """
        SELECT MIN(m) FROM (SELECT MIN(bucket_start) AS m FROM team_utilisation_rollups WHERE granularity = 'hour'
                            UNION ALL SELECT MIN(bucket_start) FROM member_utilisation_rollups WHERE granularity = 'hour'
                            UNION ALL SELECT MIN(bucket_start) FROM team_reservation_rollups WHERE granularity = 'hour')
        """;

    private const string ProgressSql = "SELECT granularity, rolled_until FROM utilisation_rollup_progress";

    private const string SetProgressSql = """
        INSERT INTO utilisation_rollup_progress (granularity, rolled_until) VALUES ($granularity, $until)
        ON CONFLICT (granularity) DO UPDATE SET rolled_until = excluded.rolled_until
        """;

    private const string AnyHistorySql = """
        SELECT EXISTS (SELECT 1 FROM team_utilisation_rollups) OR EXISTS (SELECT 1 FROM team_utilisation_samples)
            OR EXISTS (SELECT 1 FROM member_utilisation_samples) OR EXISTS (SELECT 1 FROM jobs)
        """;

    private const string TeamsSql = """
        SELECT team FROM team_utilisation_rollups WHERE granularity = 'day'
        UNION SELECT team FROM team_utilisation_samples
        UNION SELECT team FROM jobs
        ORDER BY 1
        """;

    private const string SegmentsSql = SegmentColumns + """
         WHERE a.started_at < $to AND (a.released_at IS NULL OR a.released_at > $from OR a.started_at >= $from)
        """;

    /// <summary>Writes one minute's team and member samples in one transaction (a sample of the same key is replaced).</summary>
    public void WriteSamples(MinuteSamples samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        WriteSamples([samples]);
    }

    /// <summary>
    /// Writes several minutes' samples in one transaction. Samples are measurements, not data anyone was told is kept:
    /// they are committed with <c>synchronous = NORMAL</c> (in WAL mode a power cut may lose the newest minutes but never
    /// corrupts the file), so the sampler does not wait for a disk flush every minute. The connection's next user gets
    /// the configured setting back when it is opened again.
    /// </summary>
    public void WriteSamples(IEnumerable<MinuteSamples> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        using var connection = database.OpenConnection();
        using (var relaxed = connection.CreateCommand())
        {
            relaxed.CommandText = "PRAGMA synchronous = NORMAL";
            relaxed.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction();
        using (var teams = new UsageWrites(connection))
        using (var members = new PreparedStatement(connection, MemberSampleSql, "$team", "$user", "$minute", "$simulated", "$gpus", "$cpu_millicores", "$memory_mib", "$gpu_utilisation_pct", "$gpu_memory_used_mib"))
        using (var jobs = new PreparedStatement(connection, JobSampleSql, "$job", "$minute", "$gpu", "$pct", "$used", "$total", "$simulated"))
        using (var reserved = new PreparedStatement(connection, ReservationSampleSql, "$team", "$minute", "$reserved", "$idle"))
        {
            teams.Enlist(transaction);
            foreach (var samples in minutes)
            {
                foreach (var sample in samples.Teams)
                {
                    teams.SampleTeam(sample);
                }

                foreach (var m in samples.Members)
                {
                    members.Bind("$team", m.Team).Bind("$user", m.User).Bind("$minute", UtcTimestamp.ToStored(m.Minute)).Bind("$simulated", m.Simulated)
                        .Bind("$gpus", (long)m.Gpus).Bind("$cpu_millicores", m.CpuMillicores).Bind("$memory_mib", m.MemoryMiB)
                        .Bind("$gpu_utilisation_pct", m.GpuUtilisationPct).Bind("$gpu_memory_used_mib", m.GpuMemoryUsedMiB).Run();
                }

                WriteJobSamples(jobs, samples.Jobs);
                WriteReservationSamples(reserved, samples.Reservations);
            }
        }

        transaction.Commit();
    }

    /// <summary>
    /// Writes roll-up rows directly (a demo history, an import), and where given moves the progress marks, in one
    /// transaction. Rows of the same key are replaced.
    /// </summary>
    public void WriteRollups(IEnumerable<UtilisationRollup> rollups, RollupProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(rollups);
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var parameters = new[] { "$granularity", "$bucket_start", "$team", "$simulated", "$gpu_minutes", "$cpu_millicore_minutes", "$memory_mib_minutes", "$measured_gpu_minutes", "$used_gpu_minutes", "$gpu_memory_used_mib_minutes" };
        using (var teams = new PreparedStatement(connection, TeamRollupSql, parameters))
        using (var members = new PreparedStatement(connection, MemberRollupSql, [.. parameters, "$user"]))
        {
            foreach (var r in rollups)
            {
                var insert = r.User.Length == 0 ? teams : members.Bind("$user", r.User);
                insert.Bind("$granularity", Name(r.Granularity)).Bind("$team", r.Team).Bind("$bucket_start", UtcTimestamp.ToStored(r.BucketStart))
                    .Bind("$simulated", r.Simulated).Bind("$gpu_minutes", r.GpuMinutes).Bind("$cpu_millicore_minutes", r.CpuMillicoreMinutes)
                    .Bind("$memory_mib_minutes", r.MemoryMiBMinutes).Bind("$measured_gpu_minutes", r.MeasuredGpuMinutes).Bind("$used_gpu_minutes", r.UsedGpuMinutes)
                    .Bind("$gpu_memory_used_mib_minutes", r.GpuMemoryUsedMiBMinutes).Run();
            }
        }

        if (progress is not null)
        {
            SetProgress(connection, transaction, progress);
        }

        transaction.Commit();
    }

    public RollupProgress Progress()
    {
        using var connection = database.OpenConnection();
        return Progress(connection, null);
    }

    /// <summary>
    /// Rolls every complete hour before <paramref name="now"/> not yet rolled up into hour rows, then every complete
    /// day of hour rows into day rows, and moves the progress marks, in one transaction, which also rolls the queued
    /// released allocations into the job-day roll-ups (<see cref="RollUpJobDays"/>). Rolling the same hour again
    /// (after a late sample) replaces its row with the new sums.
    /// </summary>
    public RollupProgress RollUp(DateTimeOffset now)
    {
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var progress = Progress(connection, transaction);
        var hours = RollupStep.Next(Stored(progress.HoursUntil), () => First(connection, transaction, FirstMinuteSql), now.ToUnixTimeMilliseconds(), HourMs);
        if (hours.Any)
        {
            Execute(connection, transaction, HoursFromTeamMinutesSql, ("$from", hours.From), ("$to", hours.To));
            Execute(connection, transaction, HoursFromMemberMinutesSql, ("$from", hours.From), ("$to", hours.To));
            Execute(connection, transaction, ReservedHoursFromMinutesSql, ("$from", hours.From), ("$to", hours.To));
        }

        // Asked after the hours above are written: the first hour row may be one of them.
        var days = RollupStep.Next(Stored(progress.DaysUntil), () => First(connection, transaction, FirstHourSql), hours.Until, DayMs);
        if (days.Any)
        {
            Execute(connection, transaction, TeamDaysFromHoursSql, ("$from", days.From), ("$to", days.To));
            Execute(connection, transaction, MemberDaysFromHoursSql, ("$from", days.From), ("$to", days.To));
            Execute(connection, transaction, ReservedDaysFromHoursSql, ("$from", days.From), ("$to", days.To));
        }

        var result = new RollupProgress(UtcTimestamp.FromStored(hours.Until), UtcTimestamp.FromStored(days.Until));
        SetProgress(connection, transaction, result);
        Execute(connection, transaction, RollUpJobDaysSql);
        transaction.Commit();
        return result;
    }

    /// <summary>
    /// Deletes what is older than each retention and already rolled up into the next granularity: minute samples
    /// before the hour mark, hour rows before the day mark; day rows by their own retention only.
    /// </summary>
    public void ApplyRetention(DateTimeOffset now, UsageRetention retention)
    {
        ArgumentNullException.ThrowIfNull(retention);
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        var progress = Progress(connection, transaction);
        if (progress.HoursUntil is { } hours)
        {
            var before = UtcTimestamp.ToStored(Min(hours, now - retention.MinuteSamples));
            Execute(connection, transaction, "DELETE FROM team_utilisation_samples WHERE minute < $before", ("$before", before));
            Execute(connection, transaction, "DELETE FROM member_utilisation_samples WHERE minute < $before", ("$before", before));
            Execute(connection, transaction, "DELETE FROM job_utilisation_samples WHERE minute < $before", ("$before", before));
            Execute(connection, transaction, "DELETE FROM team_reservation_samples WHERE minute < $before", ("$before", before));
        }

        if (progress.DaysUntil is { } days)
        {
            var before = UtcTimestamp.ToStored(Min(days, now - retention.HourRollups));
            Execute(connection, transaction, "DELETE FROM team_utilisation_rollups WHERE granularity = 'hour' AND bucket_start < $before", ("$before", before));
            Execute(connection, transaction, "DELETE FROM member_utilisation_rollups WHERE granularity = 'hour' AND bucket_start < $before", ("$before", before));
            Execute(connection, transaction, "DELETE FROM team_reservation_rollups WHERE granularity = 'hour' AND bucket_start < $before", ("$before", before));
        }

        if (retention.DayRollups is { } keepDays)
        {
            var before = UtcTimestamp.ToStored(now - keepDays);
            Execute(connection, transaction, "DELETE FROM team_utilisation_rollups WHERE granularity = 'day' AND bucket_start < $before", ("$before", before));
            Execute(connection, transaction, "DELETE FROM member_utilisation_rollups WHERE granularity = 'day' AND bucket_start < $before", ("$before", before));
            Execute(connection, transaction, "DELETE FROM team_reservation_rollups WHERE granularity = 'day' AND bucket_start < $before", ("$before", before));
        }

        transaction.Commit();
    }

    /// <summary>Whether any history exists yet (samples, roll-ups, or any job that ever held resources).</summary>
    public bool HasHistory()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = AnyHistorySql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>
    /// The sample points in [from, to) for a chart whose buckets are <paramref name="bucket"/> long, summed per
    /// subject and bucket (buckets counted from <paramref name="from"/>; a point's start is its bucket's), each read
    /// from the coarsest source that fits in a bucket: day rows where days are rolled up (buckets of a day or more),
    /// hour rows where hours are (buckets of an hour or more), minute samples for the rest. <paramref name="from"/>
    /// should be aligned to the bucket, so that no source row straddles two buckets.
    /// </summary>
    public List<UtilisationPoint> Points(UtilisationFilter filter, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket)
    {
        ArgumentNullException.ThrowIfNull(filter);
        using var connection = database.OpenConnection();
        var progress = Progress(connection, null);
        var points = new List<UtilisationPoint>();
        var cursor = from;
        if (bucket >= TimeSpan.FromDays(1) && progress.DaysUntil is { } days && days > cursor)
        {
            var until = Min(days, to);
            ReadRollups(connection, filter, "day", cursor, until, from, bucket, points);
            cursor = until;
        }

        if (bucket >= TimeSpan.FromHours(1) && progress.HoursUntil is { } hours && hours > cursor && cursor < to)
        {
            var until = Min(hours, to);
            ReadRollups(connection, filter, "hour", cursor, until, from, bucket, points);
            cursor = until;
        }

        if (cursor < to)
        {
            ReadMinutes(connection, filter, cursor, to, from, bucket, points);
        }

        return points;
    }

    /// <summary>
    /// The allocations of jobs (of <paramref name="filter"/>) that held anything in [from, to) or started there,
    /// still-held ones with a null end. Any order.
    /// </summary>
    public List<HeldSegment> Segments(JobFilter filter, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(filter);
        using var connection = database.OpenConnection();
        return ReadSegments(connection, null, SegmentsSql, filter, from, to);
    }

    /// <summary>Every team that has history (roll-ups, samples, or jobs), in ordinal order.</summary>
    public IReadOnlyList<string> Teams()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = TeamsSql;
        var teams = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            teams.Add(reader.GetString(0));
        }

        return teams;
    }

    internal static string Name(RollupGranularity granularity) => granularity == RollupGranularity.Hour ? "hour" : "day";
}
