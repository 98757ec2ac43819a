using Dapper;
using Dashboard.Data.Audit;

namespace Dashboard.Data.Users;

/// <summary>The Unix user an admin set for an account (users.unix_user): the one its local jobs run as in Owner isolation.</summary>
public sealed class UnixUserStore(Database database)
{
    private const string GetSql = "SELECT unix_user FROM users WHERE name = $name";

    private const string SetSql = "UPDATE users SET unix_user = $unixUser WHERE name = $name";

    /// <summary>The stored Unix user of <paramref name="account"/>; null when none is set or there is no such account.</summary>
    public string? Get(string account)
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<string?>(GetSql, new { name = account });
    }

    /// <summary>Sets (or, with null, clears) the account's Unix user, with its audit entry, in one transaction.</summary>
    public void Set(string account, string? unixUser, AuditEntry audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction();
        if (connection.Execute(SetSql, new { name = account, unixUser }, transaction) == 0)
        {
            throw new UserStoreException($"There is no account named '{account}'.");
        }

        AuditWrites.AppendWithin(connection, transaction, audit);
        transaction.Commit();
    }
}
