using System.Collections.Immutable;
using System.Security.Claims;
using Dashboard.Data.Users;

namespace Dashboard.Web.Identity;

/// <summary>
/// The person using this browser session (or API call): whose jobs "my jobs" shows, who owns a submitted job, who
/// an action is recorded against, and what their role and teams allow (<see cref="Permissions"/>).
/// </summary>
public interface ICurrentUser
{
    /// <summary>The account name, as stored in a job's owner and the audit log's actor.</summary>
    string Name { get; }

    UserRole Role { get; }

    /// <summary>The teams the account belongs to (admins act on every team regardless).</summary>
    ImmutableArray<string> Teams { get; }
}

/// <summary>A signed-in account as its cookie (or token) describes it: name, role and teams as claims.</summary>
public sealed record SignedInUser(string Name, UserRole Role, ImmutableArray<string> Teams) : ICurrentUser
{
    public const string TeamClaim = "dashboard:team";

    public static SignedInUser Of(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return new(account.Name, account.Role, account.Teams);
    }

    public ClaimsPrincipal ToPrincipal(string authenticationType)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, Name), new(ClaimTypes.Role, Role.ToString()) };
        claims.AddRange(Teams.Select(team => new Claim(TeamClaim, team)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The user a principal describes, or null when it is anonymous or not one of ours.</summary>
    public static SignedInUser? From(ClaimsPrincipal? principal)
    {
        if (principal?.Identity is not { IsAuthenticated: true, Name: { Length: > 0 } name })
        {
            return null;
        }

        var role = principal.FindFirst(ClaimTypes.Role)?.Value;
        if (!Enum.TryParse<UserRole>(role, out var parsed))
        {
            return null;
        }

        return new(name, parsed, [.. principal.FindAll(TeamClaim).Select(c => c.Value).Order(StringComparer.Ordinal)]);
    }
}
