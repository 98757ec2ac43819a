using System.Text.Json;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Microsoft.AspNetCore.Identity;

namespace Dashboard.Web.Identity;

/// <summary>The outcome of a sign-in attempt: the user, or a message that tells nothing about which part was wrong.</summary>
public sealed record SignInOutcome(SignedInUser? User, string? Error)
{
    public bool Succeeded => User is not null;
}

/// <summary>
/// Checks passwords (ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>: salted PBKDF2, versioned), counts
/// failures, locks an account after <see cref="AccountOptions.MaxFailedSignIns"/> in a row and audits every attempt
/// that fails. Passwords and hashes are never logged nor returned. A name without an account costs the same as a
/// wrong password (the password is checked against a stand-in hash), so the time of an answer does not tell which
/// accounts exist.
/// </summary>
public sealed class AccountService(UserStore users, AccountOptions options, TimeProvider time, ILogger<AccountService> logger, IPasswordHasher<UserAccount>? passwordHasher = null)
{
    public const string WrongCredentials = "The user name or password is not right.";
    public const int MaxNameLength = 100;
    public const int MinPasswordLength = 8;

    private static readonly UserAccount NoOne = new("no-such-account", "", UserRole.Member, [], true, 0, null, DateTimeOffset.UnixEpoch);

    private readonly IPasswordHasher<UserAccount> hasher = passwordHasher ?? new PasswordHasher<UserAccount>();
    private readonly Lazy<string> standInHash = new(() => (passwordHasher ?? new PasswordHasher<UserAccount>()).HashPassword(NoOne, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16))));

    public SignInOutcome SignIn(string? name, string? password)
    {
        var now = time.GetUtcNow();
        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrEmpty(password) || name.Length > MaxNameLength)
        {
            return new(null, WrongCredentials);
        }

        name = name.Trim();
        var account = users.Find(name);
        if (account is null)
        {
            // As long as checking a real password: verify against a stand-in hash, which never matches.
            _ = hasher.VerifyHashedPassword(NoOne, standInHash.Value, password);
            users.RecordUnknownSignIn(Audit(now, name, "auth.sign-in-failed", new { reason = "unknown account" }));
            logger.LogInformation("Sign-in failed for an unknown account");
            return new(null, WrongCredentials);
        }

        if (!account.Enabled)
        {
            users.RecordFailedSignIn(account.Name, account.FailedSignIns, account.LockedUntil, Audit(now, name, "auth.sign-in-failed", new { reason = "disabled" }));
            return new(null, "This account is disabled. Ask an admin to enable it.");
        }

        if (account.IsLockedAt(now))
        {
            users.RecordFailedSignIn(account.Name, account.FailedSignIns, account.LockedUntil, Audit(now, name, "auth.sign-in-failed", new { reason = "locked" }));
            return new(null, $"Too many failed sign-ins: this account is locked until {account.LockedUntil:HH:mm} UTC.");
        }

        var hash = users.PasswordHash(account.Name);
        var verdict = hash is null ? PasswordVerificationResult.Failed : hasher.VerifyHashedPassword(account, hash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var failures = account.FailedSignIns + 1;
            DateTimeOffset? lockedUntil = failures >= options.MaxFailedSignIns ? now + options.LockoutDuration : null;
            users.RecordFailedSignIn(account.Name, lockedUntil is null ? failures : 0, lockedUntil,
                Audit(now, name, "auth.sign-in-failed", new { reason = "wrong password", failures, lockedUntil }));
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Sign-in failed for {Account} ({Failures} in a row)", account.Name, failures);
            }
            return lockedUntil is null
                ? new(null, WrongCredentials)
                : new(null, $"Too many failed sign-ins: this account is locked until {lockedUntil:HH:mm} UTC.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            users.SetPasswordHash(account.Name, hasher.HashPassword(account, password), Audit(now, account.Name, "user.password-rehashed", null));
        }

        users.RecordSignIn(account.Name, Audit(now, account.Name, "auth.sign-in", null));
        return new(SignedInUser.Of(account), null);
    }

    /// <summary>Creates an account with a password (hashed here). Returns the problem, or null when created.</summary>
    public string? Create(UserAccount account, string password, string actor)
    {
        ArgumentNullException.ThrowIfNull(account);
        if (Problem(account.Name, password) is { } problem)
        {
            return problem;
        }

        try
        {
            users.Create(account, hasher.HashPassword(account, password), new AuditEntry(
                time.GetUtcNow(), actor, "user.create", Target(account.Name), null, AccountJson(account)));
            return null;
        }
        catch (UserStoreException refused)
        {
            return refused.Message;
        }
    }

    /// <summary>A salted hash of <paramref name="password"/> for <paramref name="account"/>, for storing (never for showing).</summary>
    public string Hash(UserAccount account, string password) => hasher.HashPassword(account, password);

    /// <summary>The problem with a proposed account name and password, or null.</summary>
    public static string? Problem(string name, string password)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return $"A user name is 1 to {MaxNameLength} letters, digits, '-', '_' or '.'.";
        }

        return password is null || password.Length < MinPasswordLength ? $"A password needs at least {MinPasswordLength} characters." : null;
    }

    public static string Target(string name) => $"user:{name}";

    public static string AccountJson(UserAccount account)
    {
        ArgumentNullException.ThrowIfNull(account);
        return JsonSerializer.Serialize(new { account.Name, account.DisplayName, Role = account.Role.ToString(), account.Teams, account.Enabled });
    }

    private static AuditEntry Audit(DateTimeOffset now, string name, string action, object? details) =>
        new(now, name.Length > MaxNameLength ? name[..MaxNameLength] : name, action, Target(name.Length > MaxNameLength ? name[..MaxNameLength] : name), null,
            details is null ? null : JsonSerializer.Serialize(details));
}
