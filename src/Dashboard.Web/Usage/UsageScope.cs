using Dashboard.Data.UsageHistory;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Usage;

/// <summary>
/// What of the usage history one person may read, decided from <see cref="Permissions"/>' rules: admins every
/// team, team leads the teams they lead, members only their own jobs (always grouped by user, so only their rows).
/// </summary>
public sealed record UsageScope(IReadOnlyList<string>? Teams, string? OnlyUser)
{
    public static UsageScope For(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsAdmin() ? new UsageScope(null, null)
            : user.Role == UserRole.TeamLead ? new UsageScope(user.Teams, null)
            : new UsageScope(null, user.Name);
    }

    /// <summary>Whether the person may narrow the view to <paramref name="team"/> (a led team, or one of a member's own).</summary>
    public static bool MayAsk(ICurrentUser user, string team)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Leads(team) || user.Teams.Contains(team, StringComparer.Ordinal);
    }

    /// <summary>The grouping actually used: members always see their own rows, per team.</summary>
    public UsageGrouping Grouping(UsageGrouping asked) => OnlyUser is null ? asked : UsageGrouping.User;

    public UtilisationFilter Samples(UsageGrouping group, string? team) =>
        new(group == UsageGrouping.User, TeamsOr(team), OnlyUser);

    public JobFilter Jobs(string? team) => new(TeamsOr(team), OnlyUser);

    private IReadOnlyList<string>? TeamsOr(string? team) => team is null ? Teams : [team];
}
