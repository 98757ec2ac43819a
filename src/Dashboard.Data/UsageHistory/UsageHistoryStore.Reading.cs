using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.UsageHistory;

public sealed partial class UsageHistoryStore
{
    private const string PointMinuteSums = "SUM(gpus), SUM(CASE WHEN gpu_utilisation_pct IS NULL THEN 0 ELSE gpus END), TOTAL(gpus * gpu_utilisation_pct / 100.0)";

    private const string PointRollupSums = "SUM(gpu_minutes), SUM(measured_gpu_minutes), TOTAL(used_gpu_minutes)";

    private static void ReadMinutes(SqliteConnection connection, UtilisationFilter filter, DateTimeOffset from, DateTimeOffset to, DateTimeOffset origin, TimeSpan bucket, List<UtilisationPoint> points)
    {
        using var command = connection.CreateCommand();
        var (table, user) = filter.Members ? ("member_utilisation_samples", "user_name") : ("team_utilisation_samples", "''");
        var where = TeamClause(command, "team", filter.Teams) + UserClause(command, filter);
        command.CommandText = $"""
            SELECT team, {user}, (minute - $origin) / $size, MAX(simulated), {PointMinuteSums} FROM {table}
            WHERE minute >= $from AND minute < $to{where}
            GROUP BY 3, team, {user}
            """;
        Read(command, from, to, origin, bucket, points);
    }

    private static void ReadRollups(SqliteConnection connection, UtilisationFilter filter, string granularity, DateTimeOffset from, DateTimeOffset to, DateTimeOffset origin, TimeSpan bucket, List<UtilisationPoint> points)
    {
        using var command = connection.CreateCommand();
        var (table, user) = filter.Members ? ("member_utilisation_rollups", "user_name") : ("team_utilisation_rollups", "''");
        var where = TeamClause(command, "team", filter.Teams) + UserClause(command, filter);
        command.CommandText = $"""
            SELECT team, {user}, (bucket_start - $origin) / $size, MAX(simulated), {PointRollupSums} FROM {table}
            WHERE granularity = $granularity AND bucket_start >= $from AND bucket_start < $to{where}
            GROUP BY 3, team, {user}
            """;
        command.Parameters.AddWithValue("$granularity", granularity);
        Read(command, from, to, origin, bucket, points);
    }

    private static string UserClause(SqliteCommand command, UtilisationFilter filter)
    {
        if (!filter.Members || filter.User is null)
        {
            return "";
        }

        command.Parameters.AddWithValue("$user", filter.User);
        return " AND user_name = $user";
    }

    private static void Read(SqliteCommand command, DateTimeOffset from, DateTimeOffset to, DateTimeOffset origin, TimeSpan bucket, List<UtilisationPoint> points)
    {
        var originMs = UtcTimestamp.ToStored(origin);
        var size = (long)bucket.TotalMilliseconds;
        command.Parameters.AddWithValue("$from", UtcTimestamp.ToStored(from));
        command.Parameters.AddWithValue("$to", UtcTimestamp.ToStored(to));
        command.Parameters.AddWithValue("$origin", originMs);
        command.Parameters.AddWithValue("$size", size);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            points.Add(new UtilisationPoint(
                reader.GetString(0),
                reader.GetString(1),
                UtcTimestamp.FromStored(originMs + (reader.GetInt64(2) * size)),
                reader.GetInt64(3) != 0,
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetDouble(6)));
        }
    }

    /// <summary>" AND column IN ($t0, $t1, ...)" with its parameters, or nothing for every team; no team at all matches nothing.</summary>
    private static string TeamClause(SqliteCommand command, string column, IReadOnlyList<string>? teams)
    {
        if (teams is null)
        {
            return "";
        }

        if (teams.Count == 0)
        {
            return " AND 0";
        }

        var names = new string[teams.Count];
        for (var i = 0; i < teams.Count; i++)
        {
            names[i] = "$t" + i.ToString(CultureInfo.InvariantCulture);
            command.Parameters.AddWithValue(names[i], teams[i]);
        }

        return $" AND {column} IN ({string.Join(", ", names)})";
    }

    private static RollupProgress Progress(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = ProgressSql;
        DateTimeOffset? hours = null, days = null;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var until = UtcTimestamp.FromStored(reader.GetInt64(1));
            if (reader.GetString(0) == "hour")
            {
                hours = until;
            }
            else
            {
                days = until;
            }
        }

        return new RollupProgress(hours, days);
    }

    private static void SetProgress(SqliteConnection connection, SqliteTransaction transaction, RollupProgress progress)
    {
        foreach (var (granularity, until) in new[] { ("hour", progress.HoursUntil), ("day", progress.DaysUntil) })
        {
            if (until is { } value)
            {
                Execute(connection, transaction, SetProgressSql, ("$granularity", granularity), ("$until", UtcTimestamp.ToStored(value)));
            }
        }
    }

    /// <summary>The first value <paramref name="sql"/> answers (a first minute or hour), or null when there is none.</summary>
    private static long? First(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar() is long value ? value : null;
    }

    private static long? Stored(DateTimeOffset? time) => time is { } value ? UtcTimestamp.ToStored(value) : null;

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params (string Name, object Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
#pragma warning disable CA2100 // Constants of this class only.
        command.CommandText = sql;
#pragma warning restore CA2100
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.ExecuteNonQuery();
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
