using Microsoft.Data.Sqlite;

namespace Dashboard.Data.UsageHistory;

/// <summary>Work lost to preemption (db/0007_preemption_losses.sql): what preempted runs had held when they were stopped.</summary>
public sealed partial class UsageHistoryStore
{
    /// <summary>
    /// GPU-hours of work thrown away by preemption in [from, to) (by when the run was stopped), for
    /// <paramref name="filter"/>'s jobs, per team (or with <paramref name="byUser"/> per team member), keyed by
    /// <paramref name="key"/> (team, user or null); keys with no loss are absent.
    /// </summary>
    public IReadOnlyDictionary<string, double> LostGpuHours(JobFilter filter, bool byUser, DateTimeOffset from, DateTimeOffset to, Func<string, string?, string> key)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(key);
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        var where = TeamClause(command, "team", filter.Teams);
        if (filter.Owner is not null)
        {
            where += " AND user_name = $owner";
            command.Parameters.AddWithValue("$owner", filter.Owner);
        }

        var (user, group) = byUser ? ("user_name", "team, user_name") : ("NULL", "team");
        command.CommandText = $"SELECT team, {user}, SUM(gpu_ms) FROM preemption_losses WHERE stopped_at >= $from AND stopped_at < $to{where} GROUP BY {group}";
        command.Parameters.AddWithValue("$from", UtcTimestamp.ToStored(from));
        command.Parameters.AddWithValue("$to", UtcTimestamp.ToStored(to));
        var lost = new Dictionary<string, double>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            lost[key(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))] = reader.GetInt64(2) / 3_600_000.0;
        }

        return lost;
    }
}
