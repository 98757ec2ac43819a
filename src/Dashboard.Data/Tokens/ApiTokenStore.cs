using Dapper;
using Dashboard.Data.Audit;

namespace Dashboard.Data.Tokens;

/// <summary>A personal API token as stored: never the token itself, only its SHA-256 (hex) and its first characters.</summary>
public sealed record ApiTokenRecord(
    long Id,
    string UserName,
    string Name,
    string Prefix,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt,
    DateTimeOffset? RevokedAt)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>
/// Personal API tokens (table <c>api_tokens</c>). Creating and revoking a token are each one transaction with its audit
/// entry; recording when a token was last used is not audited.
/// </summary>
public sealed class ApiTokenStore(Database database)
{
    private const string Columns = """
        id AS Id, user_name AS UserName, name AS Name, prefix AS Prefix, created_at AS CreatedAt,
        last_used_at AS LastUsedAt, revoked_at AS RevokedAt
        """;

    private const string InsertSql = """
        INSERT INTO api_tokens (user_name, name, prefix, secret_sha256, created_at)
        VALUES ($userName, $name, $prefix, $hash, $createdAt)
        RETURNING id
        """;

    private const string FindByHashSql = $"SELECT {Columns} FROM api_tokens WHERE secret_sha256 = $hash";

    private const string ForUserSql = $"SELECT {Columns} FROM api_tokens WHERE user_name = $userName ORDER BY id DESC";

    private const string FindSql = $"SELECT {Columns} FROM api_tokens WHERE id = $id";

    private const string RevokeSql = "UPDATE api_tokens SET revoked_at = $at WHERE id = $id AND revoked_at IS NULL";

    private const string TouchSql = "UPDATE api_tokens SET last_used_at = $at WHERE id = $id";

    /// <summary>Stores a new token for <paramref name="userName"/> with its audit entry; returns its id.</summary>
    public long Create(string userName, string name, string prefix, string secretSha256, DateTimeOffset createdAt, Func<long, AuditEntry> audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        try
        {
            using var connection = database.OpenConnection();
            using var transaction = connection.BeginTransaction();
            var id = connection.ExecuteScalar<long>(InsertSql, new { userName, name, prefix, hash = secretSha256, createdAt }, transaction);
            AuditWrites.AppendWithin(connection, transaction, audit(id));
            transaction.Commit();
            return id;
        }
        finally
        {
            database.AccountsChanged();
        }
    }

    /// <summary>See <see cref="Database.AccountsVersion"/>: read it before reading tokens or accounts to cache them.</summary>
    public long AccountsVersion => database.AccountsVersion;

    /// <summary>The token whose secret hashes to <paramref name="secretSha256"/>, revoked or not; null when there is none.</summary>
    public ApiTokenRecord? FindBySecretHash(string secretSha256)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<TokenRow>(FindByHashSql, new { hash = secretSha256 })?.ToRecord();
    }

    public ApiTokenRecord? Find(long id)
    {
        using var connection = database.OpenConnection();
        return connection.QuerySingleOrDefault<TokenRow>(FindSql, new { id })?.ToRecord();
    }

    /// <summary>A person's tokens, newest first.</summary>
    public IReadOnlyList<ApiTokenRecord> ForUser(string userName)
    {
        using var connection = database.OpenConnection();
        return [.. connection.Query<TokenRow>(ForUserSql, new { userName }).Select(r => r.ToRecord())];
    }

    /// <summary>Revokes a token that is not revoked yet, with its audit entry; false (and nothing written) otherwise.</summary>
    public bool Revoke(long id, DateTimeOffset at, AuditEntry audit)
    {
        ArgumentNullException.ThrowIfNull(audit);
        try
        {
            using var connection = database.OpenConnection();
            using var transaction = connection.BeginTransaction();
            if (connection.Execute(RevokeSql, new { id, at }, transaction) == 0)
            {
                return false;
            }

            AuditWrites.AppendWithin(connection, transaction, audit);
            transaction.Commit();
            return true;
        }
        finally
        {
            database.AccountsChanged();
        }
    }

    /// <summary>Writes when the token was last used (shown on the tokens page; no sign-in reads it, so it moves no <see cref="AccountsVersion"/>).</summary>
    public void RecordUse(long id, DateTimeOffset at)
    {
        using var connection = database.OpenConnection();
        connection.Execute(TouchSql, new { id, at });
    }

    private sealed class TokenRow
    {
        public long Id { get; set; }

        public string UserName { get; set; } = "";

        public string Name { get; set; } = "";

        public string Prefix { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset? LastUsedAt { get; set; }

        public DateTimeOffset? RevokedAt { get; set; }

        public ApiTokenRecord ToRecord() => new(Id, UserName, Name, Prefix, CreatedAt, LastUsedAt, RevokedAt);
    }
}
