using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dashboard.Data.Audit;
using Dashboard.Data.Tokens;
using Dashboard.Data.Users;

namespace Dashboard.Web.Identity;

/// <summary>A token just made: <see cref="Secret"/> is shown to its owner once and never stored.</summary>
public sealed record CreatedApiToken(ApiTokenRecord Token, string Secret);

/// <summary>What came of creating or revoking a token: done, or refused with a reason a person can act on.</summary>
public sealed record ApiTokenOutcome(bool Succeeded, string? Error, CreatedApiToken? Created = null)
{
    public static ApiTokenOutcome Refused(string error) => new(false, error);
}

/// <summary>
/// Personal API tokens: <c>dash_</c> followed by 32 random bytes (base64url), stored as a SHA-256 hash. A person
/// creates, lists and revokes only their own; each creation and revocation is in the audit log (never the token).
/// A token signs its requests in as its owner with the role and teams the account has at that moment.
/// </summary>
public sealed class ApiTokens(ApiTokenStore store, UserStore users, TimeProvider time)
{
    public const string Prefix = "dash_";
    public const int MaxNameLength = 100;
    public const int MaxActiveTokensPerUser = 50;

    /// <summary>How often the last-used time of a token is written at most (it is shown rounded anyway).</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const int VisiblePrefixLength = 9;

    public IReadOnlyList<ApiTokenRecord> ListFor(ICurrentUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return store.ForUser(user.Name);
    }

    public ApiTokenOutcome Create(ICurrentUser user, string? name)
    {
        ArgumentNullException.ThrowIfNull(user);
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return ApiTokenOutcome.Refused("Give the token a name, e.g. the machine or script that will use it.");
        }

        if (trimmed.Length > MaxNameLength)
        {
            return ApiTokenOutcome.Refused($"A token's name is at most {MaxNameLength} characters.");
        }

        if (Dashboard.Scheduling.Model.TextRules.OneLineProblem("A token's name", trimmed) is { } problem)
        {
            return ApiTokenOutcome.Refused(problem);
        }

        if (store.ForUser(user.Name).Count(t => !t.IsRevoked) >= MaxActiveTokensPerUser)
        {
            return ApiTokenOutcome.Refused($"You have {MaxActiveTokensPerUser} tokens in use; revoke one first.");
        }

        var secret = Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var prefix = secret[..VisiblePrefixLength];
        var now = time.GetUtcNow();
        var id = store.Create(user.Name, trimmed, prefix, HashOf(secret), now, id => new AuditEntry(
            now, user.Name, "token.create", Target(user.Name, id), null, JsonSerializer.Serialize(new { Id = id, Name = trimmed, Prefix = prefix })));
        return new ApiTokenOutcome(true, null, new CreatedApiToken(store.Find(id)!, secret));
    }

    public ApiTokenOutcome Revoke(ICurrentUser user, long id)
    {
        ArgumentNullException.ThrowIfNull(user);
        var token = store.Find(id);
        if (token is null || !string.Equals(token.UserName, user.Name, StringComparison.Ordinal))
        {
            return ApiTokenOutcome.Refused("There is no such token of yours.");
        }

        if (token.IsRevoked)
        {
            return ApiTokenOutcome.Refused($"Token '{token.Name}' is already revoked.");
        }

        var now = time.GetUtcNow();
        var revoked = store.Revoke(id, now, new AuditEntry(
            now, user.Name, "token.revoke", Target(user.Name, id),
            JsonSerializer.Serialize(new { token.Id, token.Name, token.Prefix, Revoked = false }),
            JsonSerializer.Serialize(new { token.Id, token.Name, token.Prefix, Revoked = true })));
        return revoked ? new ApiTokenOutcome(true, null) : ApiTokenOutcome.Refused($"Token '{token.Name}' is already revoked.");
    }

    /// <summary>
    /// The enabled account a presented token signs in as, or the reason it is refused (unknown, revoked, account
    /// disabled). Records the token's use (at most once per <see cref="LastUsedResolution"/>).
    /// </summary>
    public (UserAccount? Account, string? Refusal) Authenticate(string presented)
    {
        ArgumentNullException.ThrowIfNull(presented);
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return (null, "This is not a Compute Dashboard token (they start with dash_).");
        }

        var hash = HashOf(presented);
        // Read before the token and the account: an entry read while the version had this value is exact while it has it.
        var version = store.AccountsVersion;
        if (!signedIn.TryGetValue(hash, out var entry) || entry.Version != version)
        {
            var token = store.FindBySecretHash(hash);
            if (token is null)
            {
                return (null, "The token is not known.");
            }

            if (token.IsRevoked)
            {
                return (null, "The token has been revoked.");
            }

            var found = users.Find(token.UserName);
            if (found is not { Enabled: true })
            {
                return (null, "The token's account is disabled.");
            }

            if (signedIn.Count >= MaxSignedInTokens)
            {
                signedIn.Clear();
            }

            entry = new SignedInToken(version, token.Id, found) { LastUsedAt = token.LastUsedAt };
            signedIn[hash] = entry;
        }

        var now = time.GetUtcNow();
        if (entry.LastUsedAt is not { } last || now - last >= LastUsedResolution)
        {
            store.RecordUse(entry.TokenId, now);
            entry.LastUsedAt = now;
        }

        return (entry.Account, null);
    }

    /// <summary>How many presented tokens are remembered at most (all forgotten when full).</summary>
    internal const int MaxSignedInTokens = 1_024;

    /// <summary>
    /// Tokens that signed in, by hash, with their account as read at <see cref="SignedInToken.Version"/> of
    /// <see cref="ApiTokenStore.AccountsVersion"/>: any change of an account, a membership or a token (a revocation, a
    /// disabled account, a new role) moves it, and the next request reads both again. Refusals are not remembered.
    /// </summary>
    private readonly ConcurrentDictionary<string, SignedInToken> signedIn = new(StringComparer.Ordinal);

    private sealed record SignedInToken(long Version, long TokenId, UserAccount Account)
    {
        /// <summary>When its use was last written (written at most once per <see cref="LastUsedResolution"/>).</summary>
        public DateTimeOffset? LastUsedAt { get; set; }
    }

    /// <summary>The stored form of a token: SHA-256 of its UTF-8 text, lower-case hex.</summary>
    public static string HashOf(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Target(string user, long id) => $"user:{user}/token:{id}";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
