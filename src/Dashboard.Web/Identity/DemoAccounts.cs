using Dashboard.Data.Users;
using Dashboard.Engine.Loop;

namespace Dashboard.Web.Identity;

/// <summary>
/// On first run (no account exists yet) and unless <see cref="AccountOptions.DemoAccounts"/> is off, creates the
/// demo accounts the README lists: one per role. They are for trying the product, and say so everywhere.
/// Created once the engine has seeded the teams they belong to.
/// </summary>
public sealed class DemoAccounts(AccountOptions options, AccountService accounts, UserStore users, EngineLoop engine, TimeProvider time, ILogger<DemoAccounts> logger) : BackgroundService
{
    public const string Actor = "system";

    /// <summary>Name, display name, role, teams and password of each demo account (printed on the sign-in page while enabled).</summary>
    public static readonly IReadOnlyList<DemoAccount> All =
    [
        new("admin", "Demo admin", UserRole.Admin, [], "admin-demo"),
        new("lead", "Demo team lead (vision)", UserRole.TeamLead, ["vision"], "lead-demo"),
        new("alice", "Alice (demo member, vision)", UserRole.Member, ["vision"], "alice-demo"),
        new("bob", "Bob (demo member, nlp)", UserRole.Member, ["nlp"], "bob-demo"),
    ];

    /// <summary>Completes when the demo accounts exist (or were not wanted).</summary>
    public Task Seeded => seeded.Task;

    private readonly TaskCompletionSource seeded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!options.DemoAccounts || users.Any())
            {
                return;
            }

            await engine.Started.WaitAsync(stoppingToken).ConfigureAwait(false);
            foreach (var demo in All)
            {
                var account = new UserAccount(demo.Name, demo.DisplayName, demo.Role, [.. demo.Teams], true, 0, null, time.GetUtcNow());
                if (accounts.Create(account, demo.Password, Actor) is { } problem)
                {
                    logger.LogWarning("Demo account {Account} was not created: {Problem}", demo.Name, problem);
                }
            }

            logger.LogWarning("Demo accounts created (admin, lead, alice, bob): for trying the product only; set Identity:DemoAccounts to false for a real deployment");
        }
        finally
        {
            seeded.TrySetResult();
        }
    }
}

public sealed record DemoAccount(string Name, string DisplayName, UserRole Role, IReadOnlyList<string> Teams, string Password);
