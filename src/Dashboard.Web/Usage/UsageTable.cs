using Dashboard.Scheduling.Accounting;

namespace Dashboard.Web.Usage;

/// <summary>One row of the usage table: from the recorded jobs (held resources split exactly at the range's edges), and the mean efficiency from the samples.</summary>
public sealed record UsageTableRow(
    string Key,
    string Team,
    string? User,
    double GpuHours,
    double CpuHours,
    double MemoryGiBHours,
    int Jobs,
    double? MeanWaitMinutes,
    double? P95WaitMinutes,
    double? MeanEfficiencyPct,
    bool Simulated)
{
    public string Label => User is null ? Team : $"{User} ({Team})";

    /// <summary>GPU-hours of work thrown away when this row's jobs were preempted in the range (issue 20).</summary>
    public double LostGpuHours { get; init; }

    /// <summary>GPU-hours the team's advance reservations kept in the range (team rows only; issue 23).</summary>
    public double ReservedGpuHours { get; init; }

    /// <summary>Of <see cref="ReservedGpuHours"/>, those no job of the team ran on: booked and not used.</summary>
    public double ReservedIdleGpuHours { get; init; }
}

/// <summary>The table and what it covers.</summary>
public sealed record UsageTable(UsageQuery Query, IReadOnlyList<UsageTableRow> Rows)
{
    public double GpuHours => Rows.Sum(r => r.GpuHours);
}

/// <summary>Joins job totals (<see cref="UsageTotalling"/>'s arithmetic) with the series' efficiency: pure.</summary>
public static class UsageTableBuilder
{
    /// <summary>The table from job segments, totalled here.</summary>
    public static UsageTable Build(UsageQuery query, IEnumerable<HeldSegment> segments, UsageSeries series, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(query);
        var byUser = query.Group == UsageGrouping.User;
        return Build(query, UsageTotalling.Total(segments, s => UsageKey.Of(s.Team, byUser ? s.Owner : null), query.From, query.To, now), series);
    }

    /// <summary>The table from job totals already added up (keys from <see cref="UsageKey"/>).</summary>
    public static UsageTable Build(UsageQuery query, IEnumerable<UsageTotals> totals, UsageSeries series)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(series);
        var samples = series.Subjects.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var rows = new List<UsageTableRow>();
        foreach (var total in totals)
        {
            var (team, user) = UsageKey.Split(total.Key);
            var sampled = samples.GetValueOrDefault(total.Key);
            rows.Add(new UsageTableRow(
                total.Key,
                team,
                user,
                total.Held.GpuHours,
                total.Held.CpuCoreHours,
                total.Held.MemoryGiBHours,
                total.Jobs,
                total.MeanWait?.TotalMinutes,
                total.P95Wait?.TotalMinutes,
                sampled?.EfficiencyPct,
                sampled?.Simulated ?? false));
        }

        return new UsageTable(query, [.. rows.OrderByDescending(r => r.GpuHours).ThenBy(r => r.Key, StringComparer.Ordinal)]);
    }
}
