namespace Dashboard.Engine.Execution.Isolation;

/// <summary>The Unix user an admin set for an account (stored with the account), which outranks the "Executor:UnixUsers" setting.</summary>
public interface IStoredUnixUsers
{
    /// <summary>The stored Unix user name of <paramref name="account"/>, or null when none is set.</summary>
    string? UnixUserOf(string account);
}
