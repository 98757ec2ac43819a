using System.Text.Json;
using Dashboard.Data.Users;
using Dashboard.Engine.Execution.Isolation;

namespace Dashboard.Web.Identity;

/// <summary>
/// The Unix user each account's local jobs run as in Owner isolation, as an admin sets it on the Users page. It
/// outranks the "Executor:UnixUsers" setting; empty clears it (back to the setting, else the account's own name).
/// A name must be a valid Unix user name and never root: a job never runs as root.
/// </summary>
public sealed class UnixUserAdministration(UnixUserStore store, UserStore users, TimeProvider time, Func<string, UnixAccount?>? lookup = null) : IStoredUnixUsers
{
    public const string FieldUnixUser = "unixUser";

    private readonly Func<string, UnixAccount?> find = lookup ?? UnixAccount.Find;

    public string? UnixUserOf(string account) => store.Get(account);

    public AdminOutcome Set(string account, string? unixUser, ICurrentUser admin)
    {
        ArgumentNullException.ThrowIfNull(admin);
        if (admin.Role != UserRole.Admin)
        {
            return AdminOutcome.Refused(UserAdministration.FieldAccount, "Only an admin sets the Unix user of an account.");
        }

        if (users.Find(account) is null)
        {
            return AdminOutcome.Refused(UserAdministration.FieldAccount, $"There is no account named '{account}'.");
        }

        var wanted = string.IsNullOrWhiteSpace(unixUser) ? null : unixUser.Trim();
        if (wanted is not null && !UnixAccount.IsValidName(wanted))
        {
            return AdminOutcome.Refused(FieldUnixUser, "A Unix user name is 1 to 32 lowercase letters, digits, '_', '-' or '.', starting with a letter or '_'.");
        }

        if (wanted == "root" || (wanted is not null && find(wanted) is { Uid: 0 }))
        {
            return AdminOutcome.Refused(FieldUnixUser, "Jobs never run as root (uid 0): choose another Unix user.");
        }

        var before = store.Get(account);
        try
        {
            store.Set(account, wanted, new Dashboard.Data.Audit.AuditEntry(
                time.GetUtcNow(), admin.Name, "user.unix-user", AccountService.Target(account),
                JsonSerializer.Serialize(new { unixUser = before }), JsonSerializer.Serialize(new { unixUser = wanted })));
            return AdminOutcome.Done;
        }
        catch (UserStoreException refused)
        {
            return AdminOutcome.Refused(UserAdministration.FieldAccount, refused.Message);
        }
    }

    /// <summary>What the page says about the account's mapping: whether that Unix user exists here.</summary>
    public string Describe(string account, string? stored)
    {
        if (stored is null)
        {
            return "No Unix user set: the Executor:UnixUsers setting, else the account's own name, applies.";
        }

        return find(stored) is null
            ? $"Unix user '{stored}' does not exist on this host: jobs run as the fallback user (Executor:FallbackUnixUser)."
            : $"Local jobs of {account} run as Unix user '{stored}' (in Owner isolation).";
    }
}
