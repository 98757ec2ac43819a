using Dashboard.Data.Sessions;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Usage;

/// <summary>
/// The "allocated but idle" GPU-hours a person may see: admins every team and user, a lead their teams' members,
/// a member their own; by user and, summed, by team.
/// </summary>
public static class IdleGpuHoursView
{
    public static IReadOnlyList<IdleGpuHours> Visible(IReadOnlyList<IdleGpuHours> rows, ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(user);
        return [.. rows.Where(r => user.IsAdmin() || r.Owner == user.Name || user.Leads(r.Team))];
    }

    public static IReadOnlyList<IdleGpuHours> ByTeam(IReadOnlyList<IdleGpuHours> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return [.. rows.GroupBy(r => r.Team, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => new IdleGpuHours(g.Key, "", g.Sum(r => r.GpuHours)))];
    }
}
