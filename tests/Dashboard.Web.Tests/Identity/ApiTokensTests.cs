using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Tokens;
using Dashboard.Data.Users;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Identity;

/// <summary>
/// A token's sign-in is remembered between requests (no reads while nothing changed), and exactly: any change of an
/// account, a membership or a token made through the stores applies at the next request, whichever
/// <see cref="ApiTokens"/> or store instance made it.
/// </summary>
public sealed class ApiTokensTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-tokens-").FullName;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly Database database;
    private readonly UserStore users;
    private readonly ApiTokens tokens;

    public ApiTokensTests()
    {
        database = Database.Open(new DatabaseOptions { DataFolder = folder }, time);
        using (var writer = new ClusterWriter(database))
        {
            var nominal = new ResourceAmount(8, 64_000, 512 * 1024);
            writer.Write([
                new QuotaSet(new TeamQuota("vision", nominal, ResourceAmount.Zero, 1, 100), time.GetUtcNow()),
                new QuotaSet(new TeamQuota("nlp", nominal, ResourceAmount.Zero, 1, 100), time.GetUtcNow()),
            ]);
        }

        users = new UserStore(database);
        users.Create(Alice(UserRole.Member, ["vision"], enabled: true), "x", Audit("user.create"));
        tokens = new ApiTokens(new ApiTokenStore(database), users, time);
    }

    [Fact]
    public void A_remembered_sign_in_reads_nothing_until_something_changes()
    {
        var secret = CreateToken();
        tokens.Authenticate(secret).Account!.Name.Should().Be("alice");

        // Behind the stores' back (nothing in the product writes these tables but the stores): the remembered
        // sign-in does not read them again...
        Execute("UPDATE users SET role = 'Admin' WHERE name = 'alice'");
        tokens.Authenticate(secret).Account!.Role.Should().Be(UserRole.Member, "nothing changed through the stores, so the sign-in is not read again");

        // ...and any change through a store makes the next request read both again.
        users.Unlock("alice", Audit("user.unlock"));
        tokens.Authenticate(secret).Account!.Role.Should().Be(UserRole.Admin);
    }

    [Fact]
    public void A_new_role_team_or_disabled_account_applies_at_the_next_request()
    {
        var secret = CreateToken();
        tokens.Authenticate(secret).Account!.Teams.Should().Equal("vision");

        users.Update(Alice(UserRole.TeamLead, ["nlp"], enabled: true), Audit("user.update"));
        var changed = tokens.Authenticate(secret).Account!;
        changed.Role.Should().Be(UserRole.TeamLead);
        changed.Teams.Should().Equal("nlp");

        users.Update(Alice(UserRole.TeamLead, ["nlp"], enabled: false), Audit("user.update"));
        tokens.Authenticate(secret).Refusal.Should().Be("The token's account is disabled.");
    }

    [Fact]
    public void A_revocation_through_another_instance_refuses_the_very_next_request()
    {
        var secret = CreateToken();
        tokens.Authenticate(secret).Account.Should().NotBeNull();

        // Another ApiTokens over its own stores on the same database (as a second scope or page would have).
        var elsewhere = new ApiTokens(new ApiTokenStore(database), new UserStore(database), time);
        var alice = SignedInUser.Of(users.Find("alice")!);
        var id = elsewhere.ListFor(alice).Single().Id;
        elsewhere.Revoke(alice, id).Succeeded.Should().BeTrue();

        tokens.Authenticate(secret).Refusal.Should().Be("The token has been revoked.");
    }

    [Fact]
    public void Use_is_still_recorded_once_per_resolution_while_the_sign_in_is_remembered()
    {
        var secret = CreateToken();
        var store = new ApiTokenStore(database);
        tokens.Authenticate(secret);
        var first = store.ForUser("alice").Single().LastUsedAt;
        first.Should().Be(time.GetUtcNow());

        time.Advance(TimeSpan.FromSeconds(30));
        tokens.Authenticate(secret);
        store.ForUser("alice").Single().LastUsedAt.Should().Be(first, "written at most once per minute");

        time.Advance(TimeSpan.FromSeconds(30));
        tokens.Authenticate(secret);
        store.ForUser("alice").Single().LastUsedAt.Should().Be(time.GetUtcNow());
    }

    public void Dispose()
    {
        database.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    private string CreateToken() => tokens.Create(SignedInUser.Of(users.Find("alice")!), "script").Created!.Secret;

    private UserAccount Alice(UserRole role, string[] teams, bool enabled) =>
        new("alice", "Alice", role, [.. teams], enabled, 0, null, time.GetUtcNow());

    private AuditEntry Audit(string action) => new(time.GetUtcNow(), "admin", action, "user:alice", null, null);

    private void Execute(string sql)
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
