using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Identity;

/// <summary>What a first-run setup attempt came to: the admin created, or the problem (nothing was written).</summary>
public sealed record FirstAdminOutcome(UserAccount? Admin, string? Problem);

/// <summary>
/// First-run setup for a real deployment (demo accounts off): while no account exists, whoever can read the one-time
/// code the server wrote into its data folder (<c>setup-code</c>, readable only by the server's user) may create the
/// first admin at <see cref="Path"/>. The code proves access to the server's files, as Jenkins' initial password does;
/// it is never logged. Wrong codes are counted; after <see cref="MaxWrongCodes"/> the code is replaced. Setup closes
/// for good once any account exists.
/// </summary>
public sealed class FirstAdminSetup(AccountOptions options, UserStore users, AccountService accounts, Database database, TimeProvider time, ILogger<FirstAdminSetup> logger) : IHostedService
{
    public const string Path = "/account/setup";
    public const string CodeFileName = "setup-code";
    public const string Actor = "first-run setup";
    public const int MaxWrongCodes = 5;

    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private const int CodeLength = 20;

    private readonly Lock gate = new();
    private int wrongCodes;

    /// <summary>The file holding the one-time code.</summary>
    public string CodeFile => System.IO.Path.Combine(database.Options.DataFolder, CodeFileName);

    /// <summary>Setup is open while demo accounts are off and no account exists.</summary>
    public bool IsOpen => !options.DemoAccounts && !users.Any();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsOpen)
        {
            lock (gate)
            {
                EnsureCode();
            }

            logger.LogWarning(
                "No account exists yet. To create the first admin, open {SetupPath} and enter the one-time code from {CodeFile} (readable only by the server's user)",
                Path, CodeFile);
        }
        else
        {
            RemoveCode();
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Creates the first admin when <paramref name="code"/> is the one in the code file and the account is valid.</summary>
    public FirstAdminOutcome CreateAdmin(string? code, string? name, string? displayName, string? password, string? passwordAgain)
    {
        lock (gate)
        {
            if (!IsOpen)
            {
                return new(null, "Setup is over: an account already exists. Sign in instead.");
            }

            if (!CodeMatches(code))
            {
                wrongCodes++;
                if (wrongCodes >= MaxWrongCodes)
                {
                    wrongCodes = 0;
                    WriteNewCode();
                    logger.LogWarning("{Count} wrong setup codes in a row: the code in {CodeFile} was replaced", MaxWrongCodes, CodeFile);
                    return new(null, $"That is not the setup code. After {MaxWrongCodes} wrong codes the code was replaced: read the new one from {CodeFile}.");
                }

                return new(null, $"That is not the setup code. It is in {CodeFile} on the server.");
            }

            name = name?.Trim() ?? "";
            displayName = string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim();
            if (AccountService.Problem(name, password ?? "") is { } accountProblem)
            {
                return new(null, accountProblem);
            }

            if (TextRules.OneLineProblem("The display name", displayName) is { } textProblem)
            {
                return new(null, textProblem);
            }

            if (displayName.Length > UserAdministration.MaxDisplayNameLength)
            {
                return new(null, $"A display name is at most {UserAdministration.MaxDisplayNameLength} characters.");
            }

            if (!string.Equals(password, passwordAgain, StringComparison.Ordinal))
            {
                return new(null, "The two passwords differ.");
            }

            var admin = new UserAccount(name, displayName, UserRole.Admin, ImmutableArray<string>.Empty, true, 0, null, time.GetUtcNow());
            try
            {
                users.CreateFirst(admin, accounts.Hash(admin, password!), new AuditEntry(
                    time.GetUtcNow(), Actor, "user.create", AccountService.Target(name), null, AccountService.AccountJson(admin)));
            }
            catch (UserStoreException refused)
            {
                return new(null, refused.Message);
            }

            RemoveCode();
            logger.LogWarning("First admin {Account} created through first-run setup; setup is now closed", name);
            return new(admin, null);
        }
    }

    private bool CodeMatches(string? code)
    {
        string? expected;
        try
        {
            expected = File.Exists(CodeFile) ? Normalise(File.ReadAllText(CodeFile)) : null;
        }
        catch (IOException)
        {
            expected = null;
        }

        if (expected is not { Length: CodeLength } || code is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(Normalise(code)));
    }

    /// <summary>Upper case, without the spaces and dashes people type or paste between groups.</summary>
    private static string Normalise(string code) =>
        new([.. code.Where(c => c is not (' ' or '-' or '\n' or '\r' or '\t')).Select(char.ToUpperInvariant)]);

    private void EnsureCode()
    {
        if (!File.Exists(CodeFile) || Normalise(File.ReadAllText(CodeFile)).Length != CodeLength)
        {
            WriteNewCode();
        }
    }

    private void WriteNewCode()
    {
        var code = RandomNumberGenerator.GetString(Alphabet, CodeLength);
        var grouped = string.Join('-', Enumerable.Range(0, CodeLength / 5).Select(i => code.Substring(i * 5, 5)));
        Directory.CreateDirectory(database.Options.DataFolder);
        var temporary = CodeFile + ".new";
        File.Delete(temporary);
        var createOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            createOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(temporary, Encoding.ASCII, createOptions))
        {
            writer.WriteLine(grouped);
        }

        File.Move(temporary, CodeFile, overwrite: true);
    }

    private void RemoveCode()
    {
        try
        {
            File.Delete(CodeFile);
        }
        catch (IOException exception)
        {
            logger.LogWarning(exception, "The setup code file {CodeFile} could not be removed", CodeFile);
        }
    }
}
