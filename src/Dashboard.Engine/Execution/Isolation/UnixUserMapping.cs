namespace Dashboard.Engine.Execution.Isolation;

/// <summary>
/// Which Unix user an account's jobs run as in Owner mode: the account's own override (set on the admin Users
/// page), else the "Executor:UnixUsers" setting, else the Unix user of the account's name. When that user does not
/// exist here, or is root (uid 0: a job never runs as root), the fallback user is taken; with no fallback the job is
/// refused.
/// </summary>
public sealed class UnixUserMapping(
    IReadOnlyDictionary<string, string> configured,
    string? fallbackUser,
    Func<string, string?>? storedOverride = null,
    Func<string, UnixAccount?>? lookup = null)
{
    private readonly Func<string, UnixAccount?> find = lookup ?? UnixAccount.Find;

    /// <summary>The Unix user name the account maps to, before checking that it exists.</summary>
    public string MappedName(string account) =>
        storedOverride?.Invoke(account) is { Length: > 0 } stored ? stored
        : configured.TryGetValue(account, out var setting) && setting.Length > 0 ? setting
        : account;

    /// <summary>The Unix user the account's jobs run as; throws with the reason when there is none they may run as.</summary>
    public UnixAccount Resolve(string account)
    {
        var name = MappedName(account);
        if (find(name) is { Uid: > 0 } user)
        {
            return user;
        }

        if (string.IsNullOrEmpty(fallbackUser))
        {
            throw new InvalidOperationException(
                $"account {account} maps to Unix user '{name}', which does not exist on this host or is root, and Executor:FallbackUnixUser is empty");
        }

        return find(fallbackUser) is { Uid: > 0 } fallback
            ? fallback
            : throw new InvalidOperationException($"the fallback Unix user '{fallbackUser}' does not exist on this host or is root");
    }
}
