using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.UsageHistory;

public sealed partial class UsageHistoryStore
{
    private const string MinutePointColumns = "minute, simulated, gpus, CASE WHEN gpu_utilisation_pct IS NULL THEN 0 ELSE gpus END, COALESCE(gpus * gpu_utilisation_pct / 100.0, 0)";

    private static void ReadMinutes(SqliteConnection connection, UtilisationFilter filter, DateTimeOffset from, DateTimeOffset to, List<UtilisationPoint> points)
    {
        using var command = connection.CreateCommand();
        var sql = filter.Members
            ? $"SELECT team, user_name, {MinutePointColumns} FROM member_utilisation_samples WHERE minute >= $from AND minute < $to"
            : $"SELECT team, '', {MinutePointColumns} FROM team_utilisation_samples WHERE minute >= $from AND minute < $to";
        sql += TeamClause(command, "team", filter.Teams);
        if (filter.Members && filter.User is not null)
        {
            sql += " AND user_name = $user";
            command.Parameters.AddWithValue("$user", filter.User);
        }

        command.CommandText = sql;
        Read(command, from, to, points);
    }

    private static void ReadRollups(SqliteConnection connection, UtilisationFilter filter, string granularity, DateTimeOffset from, DateTimeOffset to, List<UtilisationPoint> points)
    {
        using var command = connection.CreateCommand();
        var sql = """
            SELECT team, user_name, bucket_start, simulated, gpu_minutes, measured_gpu_minutes, used_gpu_minutes FROM utilisation_rollups
            WHERE granularity = $granularity AND bucket_start >= $from AND bucket_start < $to
            """;
        sql += filter.Members ? " AND user_name <> ''" : " AND user_name = ''";
        sql += TeamClause(command, "team", filter.Teams);
        if (filter.Members && filter.User is not null)
        {
            sql += " AND user_name = $user";
            command.Parameters.AddWithValue("$user", filter.User);
        }

        command.CommandText = sql;
        command.Parameters.AddWithValue("$granularity", granularity);
        Read(command, from, to, points);
    }

    private static void Read(SqliteCommand command, DateTimeOffset from, DateTimeOffset to, List<UtilisationPoint> points)
    {
        command.Parameters.AddWithValue("$from", UtcTimestamp.ToStored(from));
        command.Parameters.AddWithValue("$to", UtcTimestamp.ToStored(to));
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            points.Add(new UtilisationPoint(
                reader.GetString(0),
                reader.GetString(1),
                UtcTimestamp.FromStored(reader.GetInt64(2)),
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

    private static long? FirstAligned(SqliteConnection connection, SqliteTransaction transaction, string sql, long size)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        var first = command.ExecuteScalar();
        return first is long value ? Dashboard.Scheduling.Accounting.UsageSplit.AlignDown(value, size) : null;
    }

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
