using Dashboard.Data.Writing;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.UsageHistory;

/// <summary>
/// Reserved time (db/0016_reservation_usage.sql): per team and minute, the GPUs its open reservation windows kept
/// and how many of them ran none of its jobs, written with the minute's other samples and rolled up with them.
/// </summary>
public sealed partial class UsageHistoryStore
{
    private const string ReservationSampleSql = """
        INSERT INTO team_reservation_samples (team, minute, reserved_gpus, idle_gpus) VALUES ($team, $minute, $reserved, $idle)
        ON CONFLICT (minute, team) DO UPDATE SET reserved_gpus = excluded.reserved_gpus, idle_gpus = excluded.idle_gpus
        """;

    private const string ReservedHoursFromMinutesSql = """
        INSERT OR REPLACE INTO team_reservation_rollups (granularity, bucket_start, team, reserved_gpu_minutes, idle_gpu_minutes)
        SELECT 'hour', minute - (minute % 3600000), team, SUM(reserved_gpus), SUM(idle_gpus)
        FROM team_reservation_samples WHERE minute >= $from AND minute < $to
        GROUP BY minute - (minute % 3600000), team
        """;

    private const string ReservedDaysFromHoursSql = """
        INSERT OR REPLACE INTO team_reservation_rollups (granularity, bucket_start, team, reserved_gpu_minutes, idle_gpu_minutes)
        SELECT 'day', bucket_start - (bucket_start % 86400000), team, SUM(reserved_gpu_minutes), SUM(idle_gpu_minutes)
        FROM team_reservation_rollups WHERE granularity = 'hour' AND bucket_start >= $from AND bucket_start < $to
        GROUP BY bucket_start - (bucket_start % 86400000), team
        """;

    /// <summary>
    /// The reserved time in [from, to) per team and chart bucket (buckets counted from <paramref name="from"/>),
    /// restricted to <paramref name="teams"/> (null: every team), each read from the coarsest source that fits in a
    /// bucket, as <see cref="Points"/> reads the utilisation samples.
    /// </summary>
    public List<ReservedPoint> ReservedPoints(IReadOnlyList<string>? teams, DateTimeOffset from, DateTimeOffset to, TimeSpan bucket)
    {
        using var connection = database.OpenConnection();
        var progress = Progress(connection, null);
        var points = new List<ReservedPoint>();
        var cursor = from;
        if (bucket >= TimeSpan.FromDays(1) && progress.DaysUntil is { } days && days > cursor)
        {
            var until = Min(days, to);
            ReadReserved(connection, teams, "day", cursor, until, from, bucket, points);
            cursor = until;
        }

        if (bucket >= TimeSpan.FromHours(1) && progress.HoursUntil is { } hours && hours > cursor && cursor < to)
        {
            var until = Min(hours, to);
            ReadReserved(connection, teams, "hour", cursor, until, from, bucket, points);
            cursor = until;
        }

        if (cursor < to)
        {
            ReadReserved(connection, teams, null, cursor, to, from, bucket, points);
        }

        return points;
    }

    private static void WriteReservationSamples(PreparedStatement statement, IReadOnlyList<ReservationSample>? samples)
    {
        if (samples is null)
        {
            return;
        }

        foreach (var s in samples)
        {
            var reserved = Math.Max(0, s.ReservedGpus);
            statement.Bind("$team", s.Team).Bind("$minute", UtcTimestamp.ToStored(s.Minute)).Bind("$reserved", (long)reserved)
                .Bind("$idle", (long)Math.Clamp(s.IdleGpus, 0, reserved)).Run();
        }
    }

    private static void ReadReserved(SqliteConnection connection, IReadOnlyList<string>? teams, string? granularity, DateTimeOffset from, DateTimeOffset to, DateTimeOffset origin, TimeSpan bucket, List<ReservedPoint> points)
    {
        using var command = connection.CreateCommand();
        var where = TeamClause(command, "team", teams);
        if (granularity is null)
        {
            command.CommandText = $"""
                SELECT team, (minute - $origin) / $size, SUM(reserved_gpus), SUM(idle_gpus) FROM team_reservation_samples
                WHERE minute >= $from AND minute < $to{where}
                GROUP BY 2, team
                """;
        }
        else
        {
            command.CommandText = $"""
                SELECT team, (bucket_start - $origin) / $size, SUM(reserved_gpu_minutes), SUM(idle_gpu_minutes) FROM team_reservation_rollups
                WHERE granularity = $granularity AND bucket_start >= $from AND bucket_start < $to{where}
                GROUP BY 2, team
                """;
            command.Parameters.AddWithValue("$granularity", granularity);
        }

        var originMs = UtcTimestamp.ToStored(origin);
        var size = (long)bucket.TotalMilliseconds;
        command.Parameters.AddWithValue("$from", UtcTimestamp.ToStored(from));
        command.Parameters.AddWithValue("$to", UtcTimestamp.ToStored(to));
        command.Parameters.AddWithValue("$origin", originMs);
        command.Parameters.AddWithValue("$size", size);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            points.Add(new ReservedPoint(reader.GetString(0), UtcTimestamp.FromStored(originMs + (reader.GetInt64(1) * size)), reader.GetInt64(2), reader.GetInt64(3)));
        }
    }
}

/// <summary>
/// What one team's open reservation windows kept in one minute: <see cref="ReservedGpus"/> GPUs, of which
/// <see cref="IdleGpus"/> ran none of the team's jobs.
/// </summary>
public sealed record ReservationSample(string Team, DateTimeOffset Minute, int ReservedGpus, int IdleGpus);

/// <summary>A team's reserved time in one chart bucket: GPU-minutes kept and GPU-minutes of them idle.</summary>
public readonly record struct ReservedPoint(string Team, DateTimeOffset Start, long ReservedGpuMinutes, long IdleGpuMinutes);
