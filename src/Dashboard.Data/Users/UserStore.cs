using System.Collections.Immutable;
using Dapper;
using Dashboard.Data.Audit;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Users;

/// <summary>
/// Accounts and team memberships (tables <c>users</c> and <c>team_members</c>). Accounts are not part of the
/// scheduler's state, so they are written here directly, each change in one transaction with its audit entry.
/// </summary>
public sealed class UserStore(Database database)
{
    private const string Columns = """
        u.name AS Name, u.display_name AS DisplayName, u.role AS Role, u.enabled AS Enabled,
        u.failed_sign_ins AS FailedSignIns, u.locked_until AS LockedUntil, u.created_at AS CreatedAt
        """;

    private const string FindSql = $"SELECT {Columns} FROM users u WHERE u.name = $name";

    private const string AllSql = $"SELECT {Columns} FROM users u ORDER BY u.name";

    private const string TeamsOfSql = "SELECT team FROM team_members WHERE user_name = $name ORDER BY team";

    private const string AllMembershipsSql = "SELECT user_name AS UserName, team AS Team FROM team_members ORDER BY user_name, team";

    private const string HashSql = "SELECT password_hash FROM users WHERE name = $name";

    private const string CountSql = "SELECT COUNT(*) FROM users";

    private const string TeamNamesSql = "SELECT name FROM teams ORDER BY name";

    private const string UnlockSql = "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE name = $name";

    private const string TeamExistsSql = "SELECT COUNT(*) FROM teams WHERE name = $team";

    private const string InsertSql = """
        INSERT INTO users (name, display_name, role, password_hash, failed_sign_ins, locked_until, enabled, created_at)
        VALUES ($name, $displayName, $role, $hash, 0, NULL, $enabled, $createdAt)
        """;

    private const string UpdateSql = "UPDATE users SET display_name = $displayName, role = $role, enabled = $enabled WHERE name = $name";

    private const string SetHashSql = "UPDATE users SET password_hash = $hash, failed_sign_ins = 0, locked_until = NULL WHERE name = $name";

    private const string FailureSql = "UPDATE users SET failed_sign_ins = $failures, locked_until = $lockedUntil WHERE name = $name";

    private const string SuccessSql = "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE name = $name";

    private const string ClearTeamsSql = "DELETE FROM team_members WHERE user_name = $name";

    private const string AddTeamSql = "INSERT INTO team_members (user_name, team) VALUES ($name, $team)";

    public UserAccount? Find(string name)
    {
        using var connection = database.OpenConnection();
        var row = connection.QuerySingleOrDefault<UserRow>(FindSql, new { name });
        return row?.ToAccount([.. connection.Query<string>(TeamsOfSql, new { name })]);
    }

    /// <summary>Every account, by name.</summary>
    public IReadOnlyList<UserAccount> All()
    {
        using var connection = database.OpenConnection();
        var teams = connection.Query<MembershipRow>(AllMembershipsSql)
            .GroupBy(m => m.UserName, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Team).ToImmutableArray(), StringComparer.Ordinal);
        return [.. connection.Query<UserRow>(AllSql).Select(r => r.ToAccount(teams.GetValueOrDefault(r.Name, [])))];
    }

    /// <summary>The names of every team (teams are created by setting their quota), in order.</summary>
    public IReadOnlyList<string> TeamNames()
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<string>(TeamNamesSql)];
    }

    public bool Any()
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<long>(CountSql) > 0;
    }

    /// <summary>The stored password hash, or null when the account does not exist or has no password.</summary>
    public string? PasswordHash(string name)
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<string?>(HashSql, new { name });
    }

    /// <summary>Adds an account with its teams. Refuses (and writes nothing) when the name is taken or a team does not exist.</summary>
    public void Create(UserAccount account, string passwordHash, AuditEntry audit)
    {
        ArgumentNullException.ThrowIfNull(account);
        InTransaction(audit, (connection, transaction) =>
        {
            if (connection.QuerySingleOrDefault<UserRow>(FindSql, new { name = account.Name }, transaction) is not null)
            {
                throw new UserStoreException($"An account named '{account.Name}' already exists.");
            }

            connection.Execute(InsertSql, new
            {
                name = account.Name,
                displayName = account.DisplayName,
                role = account.Role.ToString(),
                hash = passwordHash,
                enabled = account.Enabled ? 1 : 0,
                createdAt = account.CreatedAt,
            }, transaction);
            SetTeams(connection, transaction, account.Name, account.Teams);
        });
    }

    /// <summary>
    /// Adds the first account, only while no account exists (checked in the same transaction, so two people racing
    /// through first-run setup cannot both get one). Refuses, writing nothing, when any account exists.
    /// </summary>
    public void CreateFirst(UserAccount account, string passwordHash, AuditEntry audit)
    {
        ArgumentNullException.ThrowIfNull(account);
        InTransaction(audit, (connection, transaction) =>
        {
            if (connection.ExecuteScalar<long>(CountSql, transaction: transaction) > 0)
            {
                throw new UserStoreException("An account already exists: first-run setup is over; sign in instead.");
            }

            connection.Execute(InsertSql, new
            {
                name = account.Name,
                displayName = account.DisplayName,
                role = account.Role.ToString(),
                hash = passwordHash,
                enabled = account.Enabled ? 1 : 0,
                createdAt = account.CreatedAt,
            }, transaction);
            SetTeams(connection, transaction, account.Name, account.Teams);
        });
    }

    /// <summary>Changes an account's display name, role, enabled flag and teams.</summary>
    public void Update(UserAccount account, AuditEntry audit)
    {
        ArgumentNullException.ThrowIfNull(account);
        InTransaction(audit, (connection, transaction) =>
        {
            var changed = connection.Execute(UpdateSql, new
            {
                name = account.Name,
                displayName = account.DisplayName,
                role = account.Role.ToString(),
                enabled = account.Enabled ? 1 : 0,
            }, transaction);
            if (changed == 0)
            {
                throw new UserStoreException($"There is no account named '{account.Name}'.");
            }

            SetTeams(connection, transaction, account.Name, account.Teams);
        });
    }

    /// <summary>Replaces the password hash and lifts any lock-out.</summary>
    public void SetPasswordHash(string name, string passwordHash, AuditEntry audit) =>
        InTransaction(audit, (connection, transaction) =>
        {
            if (connection.Execute(SetHashSql, new { name, hash = passwordHash }, transaction) == 0)
            {
                throw new UserStoreException($"There is no account named '{name}'.");
            }
        });

    /// <summary>Lifts a lock-out and clears the failure count.</summary>
    public void Unlock(string name, AuditEntry audit) =>
        InTransaction(audit, (connection, transaction) =>
        {
            if (connection.Execute(UnlockSql, new { name }, transaction) == 0)
            {
                throw new UserStoreException($"There is no account named '{name}'.");
            }
        });

    /// <summary>Counts a failed sign-in (and locks the account until <paramref name="lockedUntil"/> when given), with its audit entry.</summary>
    public void RecordFailedSignIn(string name, int failures, DateTimeOffset? lockedUntil, AuditEntry audit) =>
        InTransaction(audit, (connection, transaction) => connection.Execute(FailureSql, new { name, failures, lockedUntil }, transaction));

    /// <summary>A failed sign-in for a name that has no account: only the audit entry.</summary>
    public void RecordUnknownSignIn(AuditEntry audit) => InTransaction(audit, (_, _) => { });

    /// <summary>A successful sign-in resets the failure count.</summary>
    public void RecordSignIn(string name, AuditEntry audit) =>
        InTransaction(audit, (connection, transaction) => connection.Execute(SuccessSql, new { name }, transaction));

    private static void SetTeams(SqliteConnection connection, SqliteTransaction transaction, string name, ImmutableArray<string> teams)
    {
        connection.Execute(ClearTeamsSql, new { name }, transaction);
        foreach (var team in teams.Distinct(StringComparer.Ordinal))
        {
            if (connection.ExecuteScalar<long>(TeamExistsSql, new { team }, transaction) == 0)
            {
                throw new UserStoreException($"There is no team named '{team}'.");
            }

            connection.Execute(AddTeamSql, new { name, team }, transaction);
        }
    }

    private void InTransaction(AuditEntry audit, Action<SqliteConnection, SqliteTransaction> change)
    {
        ArgumentNullException.ThrowIfNull(audit);
        try
        {
            using var connection = database.OpenConnection();
            using var transaction = connection.BeginTransaction();
            change(connection, transaction);
            AuditWrites.AppendWithin(connection, transaction, audit);
            transaction.Commit();
        }
        finally
        {
            database.AccountsChanged();
        }
    }

    private sealed class UserRow
    {
        public string Name { get; set; } = "";

        public string DisplayName { get; set; } = "";

        public string Role { get; set; } = "";

        public long Enabled { get; set; }

        public long FailedSignIns { get; set; }

        public DateTimeOffset? LockedUntil { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public UserAccount ToAccount(ImmutableArray<string> teams) => new(
            Name, DisplayName, Enum.Parse<UserRole>(Role), teams, Enabled != 0, checked((int)FailedSignIns), LockedUntil, CreatedAt);
    }

    private sealed class MembershipRow
    {
        public string UserName { get; set; } = "";

        public string Team { get; set; } = "";
    }
}

/// <summary>A change to accounts that was refused; nothing was written.</summary>
public sealed class UserStoreException(string message) : Exception(message);
