using Dashboard.Data.Users;

namespace Dashboard.Web.Identity;

/// <summary>
/// Who may do what, in one place: pages, API endpoints and hub methods all ask here. Members act on their own
/// jobs and submit to their teams; team leads also act on (and see) their teams' jobs; admins act on everything.
/// </summary>
public static class Permissions
{
    public const string AdminPolicy = "admin";
    public const string TeamLeadPolicy = "team-lead-or-admin";

    public static bool IsAdmin(this ICurrentUser user) => user is { Role: UserRole.Admin };

    public static bool Leads(this ICurrentUser user, string team) =>
        user.IsAdmin() || (user.Role == UserRole.TeamLead && user.Teams.Contains(team, StringComparer.Ordinal));

    public static bool CanSubmitTo(this ICurrentUser user, string team) =>
        user.IsAdmin() || user.Teams.Contains(team, StringComparer.Ordinal);

    /// <summary>Cancel, resubmit and read the log of a job: its owner, a lead of its team, or an admin.</summary>
    public static bool CanActOnJob(this ICurrentUser user, string owner, string team) =>
        string.Equals(user.Name, owner, StringComparison.Ordinal) || user.Leads(team);

    /// <summary>See a job's details and log: the same people who may act on it.</summary>
    public static bool CanSeeJob(this ICurrentUser user, string owner, string team) => user.CanActOnJob(owner, team);

    /// <summary>The jobs a user may list: null (all) for admins; own jobs plus led teams' jobs for leads; own jobs for members.</summary>
    public static Dashboard.Data.Jobs.JobVisibility? JobVisibility(this ICurrentUser user) =>
        user.IsAdmin() ? null : new(user.Name, user.Role == UserRole.TeamLead ? user.Teams : []);

    /// <summary>Teams whose jobs and usage the user may list: all for admins, led teams for leads, none beyond their own jobs for members.</summary>
    public static bool SeesAllTeams(this ICurrentUser user) => user.IsAdmin();
}
