namespace Dashboard.Web.Usage;

/// <summary>
/// Charges reserved time to the usage table: grouped by team, each team's row gets its reserved and reserved-idle
/// GPU-hours, and a team that reserved GPUs but ran no job in the range gets a row of its own; grouped by user, the
/// time is the team's, not a person's, and stays on the page's totals only.
/// </summary>
public static class ReservedRows
{
    public static UsageTable Charge(UsageTable table, ReservedTime reserved)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(reserved);
        if (table.Query.Group != UsageGrouping.Team || !reserved.Any)
        {
            return table;
        }

        var rows = table.Rows.Select(r => reserved.ByTeam.TryGetValue(r.Team, out var t) ? Charged(r, t) : r).ToList();
        foreach (var (team, totals) in reserved.ByTeam)
        {
            if (!rows.Any(r => r.Team == team))
            {
                rows.Add(Charged(new UsageTableRow(UsageKey.Of(team, null), team, null, 0, 0, 0, 0, null, null, null, false), totals));
            }
        }

        return table with { Rows = rows };
    }

    private static UsageTableRow Charged(UsageTableRow row, ReservedTotals totals) =>
        row with { ReservedGpuHours = totals.ReservedGpuHours, ReservedIdleGpuHours = totals.IdleGpuHours };
}
