using System.Collections.Immutable;

namespace Dashboard.Data.Users;

/// <summary>What a person may do: members submit to their teams and cancel their own jobs, team leads also act on their teams' jobs, admins on everything.</summary>
public enum UserRole
{
    Member,
    TeamLead,
    Admin,
}

/// <summary>
/// An account as pages and services see it. The password hash is deliberately not part of it: only
/// <see cref="UserStore.PasswordHash"/> reads it, so it never travels onto a page or into a log by accident.
/// </summary>
public sealed record UserAccount(
    string Name,
    string DisplayName,
    UserRole Role,
    ImmutableArray<string> Teams,
    bool Enabled,
    int FailedSignIns,
    DateTimeOffset? LockedUntil,
    DateTimeOffset CreatedAt)
{
    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;
}
