using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Identity;

/// <summary>Password checks, lock-out and their audit trail, on a real SQLite file and a fake clock.</summary>
public sealed class AccountServiceTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-accounts-").FullName;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly Database database;
    private readonly UserStore users;
    private readonly AccountService accounts;
    private readonly AccountOptions options = new() { MaxFailedSignIns = 3, LockoutDuration = TimeSpan.FromMinutes(10) };

    public AccountServiceTests()
    {
        database = Database.Open(new DatabaseOptions { DataFolder = folder }, time);
        using (var writer = new ClusterWriter(database))
        {
            writer.Write([new QuotaSet(new TeamQuota("vision", new ResourceAmount(8, 64_000, 512 * 1024), ResourceAmount.Zero, 1, 100), time.GetUtcNow())]);
        }

        users = new UserStore(database);
        accounts = new AccountService(users, options, time, NullLogger<AccountService>.Instance);
        accounts.Create(new UserAccount("alice", "Alice", UserRole.Member, ["vision"], true, 0, null, time.GetUtcNow()), "correct horse", "admin")
            .Should().BeNull();
    }

    [Fact]
    public void The_right_password_signs_in_with_role_and_teams_and_a_wrong_one_gets_a_message_that_says_nothing_more()
    {
        var outcome = accounts.SignIn("alice", "correct horse");
        outcome.User.Should().Be(new SignedInUser("alice", UserRole.Member, ["vision"]) with { Teams = outcome.User!.Teams });
        outcome.User.Teams.Should().Equal("vision");

        accounts.SignIn("alice", "wrong horse").Error.Should().Be(AccountService.WrongCredentials);
        accounts.SignIn("mallory", "correct horse").Error.Should().Be(AccountService.WrongCredentials, "an unknown name reads the same as a wrong password");
        accounts.SignIn("", "x").Succeeded.Should().BeFalse();
        accounts.SignIn(new string('a', 500), "x").Succeeded.Should().BeFalse();
    }

    [Fact]
    public void Passwords_are_stored_salted_and_never_in_the_audit_log()
    {
        accounts.Create(new UserAccount("bob", "Bob", UserRole.Member, [], true, 0, null, time.GetUtcNow()), "correct horse", "admin").Should().BeNull();

        var aliceHash = users.PasswordHash("alice")!;
        var bobHash = users.PasswordHash("bob")!;
        aliceHash.Should().NotContain("correct horse");
        aliceHash.Should().NotBe(bobHash, "each hash has its own salt");
        Convert.FromBase64String(aliceHash)[0].Should().Be(0x01, "ASP.NET Core Identity's version 3 format (PBKDF2)");

        accounts.SignIn("alice", "wrong horse");
        var log = new AuditStore(database).Recent(100);
        log.Should().NotBeEmpty();
        log.Should().OnlyContain(r => !(r.Entry.AfterJson ?? "").Contains("horse") && !(r.Entry.AfterJson ?? "").Contains(aliceHash));
    }

    [Fact]
    public void Repeated_failures_lock_the_account_even_against_the_right_password_until_the_lock_out_ends()
    {
        accounts.SignIn("alice", "wrong 1").Error.Should().Be(AccountService.WrongCredentials);
        accounts.SignIn("alice", "wrong 2").Error.Should().Be(AccountService.WrongCredentials);
        accounts.SignIn("alice", "wrong 3").Error.Should().StartWith("Too many failed sign-ins: this account is locked until 09:10 UTC");

        accounts.SignIn("alice", "correct horse").Error.Should().Contain("locked until 09:10");
        time.Advance(TimeSpan.FromMinutes(9));
        accounts.SignIn("alice", "correct horse").Succeeded.Should().BeFalse();
        time.Advance(TimeSpan.FromMinutes(1));
        accounts.SignIn("alice", "correct horse").Succeeded.Should().BeTrue();
        users.Find("alice")!.FailedSignIns.Should().Be(0);

        var actions = new AuditStore(database).ForTarget("user:alice").Select(r => r.Entry.Action).ToList();
        actions.Count(a => a == "auth.sign-in-failed").Should().Be(5, "three wrong passwords and two attempts while locked");
        actions.Should().Contain("auth.sign-in");
    }

    [Fact]
    public void A_disabled_account_cannot_sign_in_and_bad_new_accounts_are_refused()
    {
        var alice = users.Find("alice")!;
        users.Update(alice with { Enabled = false }, new AuditEntry(time.GetUtcNow(), "admin", "user.update", "user:alice", null, null));
        accounts.SignIn("alice", "correct horse").Error.Should().Contain("disabled");

        var account = new UserAccount("carol", "Carol", UserRole.Member, [], true, 0, null, time.GetUtcNow());
        accounts.Create(account, "short", "admin").Should().Contain("at least 8 characters");
        accounts.Create(account with { Name = "carol smith" }, "long enough", "admin").Should().Contain("user name");
        accounts.Create(account with { Teams = ["no-such-team"] }, "long enough", "admin").Should().Contain("no team named");
        users.Find("carol").Should().BeNull();
    }

    public void Dispose()
    {
        database.Dispose();
        Directory.Delete(folder, recursive: true);
    }
}
