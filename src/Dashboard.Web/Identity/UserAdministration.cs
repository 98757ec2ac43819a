using System.Collections.Immutable;
using System.Text.Json;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;

namespace Dashboard.Web.Identity;

/// <summary>A proposed new account, as the admin typed it.</summary>
public sealed record NewAccount(string Name, string DisplayName, UserRole Role, ImmutableArray<string> Teams, string Password);

/// <summary>The editable part of an existing account.</summary>
public sealed record AccountChange(string DisplayName, UserRole Role, ImmutableArray<string> Teams, bool Enabled);

/// <summary>
/// What an admin change came to: nothing (succeeded) or, per field, what is wrong. Field keys are the
/// <c>Field*</c> constants of <see cref="UserAdministration"/>; a refused change wrote nothing.
/// </summary>
public sealed record AdminOutcome(ImmutableDictionary<string, string> Problems)
{
    public static AdminOutcome Done { get; } = new(ImmutableDictionary<string, string>.Empty);

    public bool Succeeded => Problems.IsEmpty;

    public string? this[string field] => Problems.GetValueOrDefault(field);

    public static AdminOutcome Refused(string field, string message) => new(ImmutableDictionary<string, string>.Empty.Add(field, message));
}

/// <summary>
/// Accounts, roles and team memberships as admins change them (the <c>/admin/users</c> page). Every change is checked
/// first (and refused with a message per field, writing nothing), then written in one transaction with its audit entry:
/// actor = the admin, before and after as JSON without any password or hash. An admin cannot demote or disable themselves.
/// </summary>
public sealed class UserAdministration(UserStore users, AccountService accounts, TimeProvider time)
{
    public const string FieldName = "name";
    public const string FieldDisplayName = "displayName";
    public const string FieldPassword = "password";
    public const string FieldTeams = "teams";
    public const string FieldRole = "role";
    public const string FieldEnabled = "enabled";
    public const string FieldAccount = "account";
    public const int MaxDisplayNameLength = 200;

    public const string SelfDemotion = "You cannot take away your own admin role or disable your own account: ask another admin.";

    public IReadOnlyList<UserAccount> Accounts() => users.All();

    public IReadOnlyList<string> Teams() => users.TeamNames();

    /// <summary>Each team with its members' names (teams without members included).</summary>
    public IReadOnlyList<TeamMembers> Memberships()
    {
        var all = users.All();
        return [.. users.TeamNames().Select(team => new TeamMembers(team, [.. all.Where(a => a.Teams.Contains(team, StringComparer.Ordinal)).Select(a => a.Name)]))];
    }

    public AdminOutcome Create(NewAccount proposal, ICurrentUser admin)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        ArgumentNullException.ThrowIfNull(admin);
        var problems = ImmutableDictionary.CreateBuilder<string, string>();
        var name = proposal.Name?.Trim() ?? "";
        if (AccountService.Problem(name, "long-enough") is { } nameProblem)
        {
            problems[FieldName] = nameProblem;
        }
        else if (users.Find(name) is not null)
        {
            problems[FieldName] = $"An account named '{name}' already exists.";
        }

        if (AccountService.Problem("valid", proposal.Password ?? "") is { } passwordProblem)
        {
            problems[FieldPassword] = passwordProblem;
        }

        CheckCommon(proposal.DisplayName, proposal.Role, proposal.Teams, problems);
        if (problems.Count > 0)
        {
            return new AdminOutcome(problems.ToImmutable());
        }

        var account = new UserAccount(name, proposal.DisplayName.Trim(), proposal.Role, Sorted(proposal.Teams), true, 0, null, time.GetUtcNow());
        return accounts.Create(account, proposal.Password!, admin.Name) is { } refused
            ? AdminOutcome.Refused(FieldAccount, refused)
            : AdminOutcome.Done;
    }

    public AdminOutcome Update(string name, AccountChange change, ICurrentUser admin)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(admin);
        if (users.Find(name) is not { } before)
        {
            return AdminOutcome.Refused(FieldAccount, $"There is no account named '{name}'.");
        }

        var problems = ImmutableDictionary.CreateBuilder<string, string>();
        if (string.Equals(name, admin.Name, StringComparison.Ordinal) && (change.Role != UserRole.Admin || !change.Enabled))
        {
            problems[change.Role != UserRole.Admin ? FieldRole : FieldEnabled] = SelfDemotion;
        }

        CheckCommon(change.DisplayName, change.Role, change.Teams, problems);
        if (problems.Count > 0)
        {
            return new AdminOutcome(problems.ToImmutable());
        }

        var after = before with { DisplayName = change.DisplayName.Trim(), Role = change.Role, Teams = Sorted(change.Teams), Enabled = change.Enabled };
        return Write(() => users.Update(after, Entry(admin, "user.update", AccountService.Target(name), AccountService.AccountJson(before), AccountService.AccountJson(after))));
    }

    public AdminOutcome ResetPassword(string name, string password, ICurrentUser admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (users.Find(name) is not { } account)
        {
            return AdminOutcome.Refused(FieldAccount, $"There is no account named '{name}'.");
        }

        if (AccountService.Problem("valid", password ?? "") is { } problem)
        {
            return AdminOutcome.Refused(FieldPassword, problem);
        }

        var hash = accounts.Hash(account, password!);
        return Write(() => users.SetPasswordHash(name, hash, Entry(admin, "user.password-reset", AccountService.Target(name), LockJson(account), LockJson(account with { FailedSignIns = 0, LockedUntil = null }))));
    }

    public AdminOutcome Unlock(string name, ICurrentUser admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (users.Find(name) is not { } account)
        {
            return AdminOutcome.Refused(FieldAccount, $"There is no account named '{name}'.");
        }

        return Write(() => users.Unlock(name, Entry(admin, "user.unlock", AccountService.Target(name), LockJson(account), LockJson(account with { FailedSignIns = 0, LockedUntil = null }))));
    }

    public AdminOutcome AddMember(string team, string name, ICurrentUser admin) => ChangeMembership(team, name, admin, add: true);

    public AdminOutcome RemoveMember(string team, string name, ICurrentUser admin) => ChangeMembership(team, name, admin, add: false);

    private AdminOutcome ChangeMembership(string team, string name, ICurrentUser admin, bool add)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (!users.TeamNames().Contains(team, StringComparer.Ordinal))
        {
            return AdminOutcome.Refused(FieldTeams, $"There is no team named '{team}'. Teams are created by setting their quota.");
        }

        if (users.Find(name) is not { } account)
        {
            return AdminOutcome.Refused(FieldAccount, string.IsNullOrWhiteSpace(name) ? "Choose an account." : $"There is no account named '{name}'.");
        }

        var member = account.Teams.Contains(team, StringComparer.Ordinal);
        if (member == add)
        {
            return AdminOutcome.Refused(FieldAccount, add ? $"{name} is already a member of {team}." : $"{name} is not a member of {team}.");
        }

        var teams = add ? Sorted(account.Teams.Add(team)) : account.Teams.Remove(team);
        var members = Memberships().Single(m => m.Team == team).Members;
        var membersAfter = add ? [.. members.Append(name).Order(StringComparer.Ordinal)] : members.Where(m => m != name).ToImmutableArray();
        return Write(() => users.Update(account with { Teams = teams }, Entry(admin, add ? "team.member-add" : "team.member-remove", $"team:{team}",
            JsonSerializer.Serialize(new { team, members }), JsonSerializer.Serialize(new { team, members = membersAfter }))));
    }

    private void CheckCommon(string? displayName, UserRole role, ImmutableArray<string> teams, ImmutableDictionary<string, string>.Builder problems)
    {
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Trim().Length > MaxDisplayNameLength)
        {
            problems[FieldDisplayName] = $"A display name is 1 to {MaxDisplayNameLength} characters.";
        }
        else if (Dashboard.Scheduling.Model.TextRules.OneLineProblem("A display name", displayName) is { } problem)
        {
            problems[FieldDisplayName] = problem;
        }

        if (!Enum.IsDefined(role))
        {
            problems[FieldRole] = "Choose Member, TeamLead or Admin.";
        }

        var known = users.TeamNames();
        var unknown = (teams.IsDefault ? [] : teams).Where(t => !known.Contains(t, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            problems[FieldTeams] = $"No such team: {string.Join(", ", unknown)}. Teams are created by setting their quota.";
        }
    }

    private AuditEntry Entry(ICurrentUser admin, string action, string target, string? before, string? after) =>
        new(time.GetUtcNow(), admin.Name, action, target, before, after);

    private static ImmutableArray<string> Sorted(ImmutableArray<string> teams) =>
        teams.IsDefault ? [] : [.. teams.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    private static string LockJson(UserAccount account) =>
        JsonSerializer.Serialize(new { account.Name, account.FailedSignIns, account.LockedUntil });

    private static AdminOutcome Write(Action change)
    {
        try
        {
            change();
            return AdminOutcome.Done;
        }
        catch (UserStoreException refused)
        {
            return AdminOutcome.Refused(FieldAccount, refused.Message);
        }
    }
}

/// <summary>A team and the names of its members, in order.</summary>
public sealed record TeamMembers(string Team, ImmutableArray<string> Members);
