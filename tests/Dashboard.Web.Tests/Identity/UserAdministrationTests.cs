using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Identity;

public sealed class UserAdministrationTests : IDisposable
{
    private static readonly SignedInUser Root = new("root", UserRole.Admin, []);
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-useradmin-").FullName;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly Database database;
    private readonly UserStore users;
    private readonly AuditStore audit;
    private readonly UserAdministration admin;

    public UserAdministrationTests()
    {
        database = Database.Open(new DatabaseOptions { DataFolder = folder }, time);
        using (var connection = database.OpenConnection())
        using (var insert = connection.CreateCommand())
        {
            insert.CommandText = "INSERT INTO teams (name, created_at) VALUES ('nlp', 0), ('vision', 0)";
            insert.ExecuteNonQuery();
        }

        users = new UserStore(database);
        audit = new AuditStore(database);
        var accounts = new AccountService(users, new AccountOptions(), time, NullLogger<AccountService>.Instance);
        admin = new UserAdministration(users, accounts, time);
        admin.Create(new NewAccount("root", "Root", UserRole.Admin, [], "root-password"), Root).Succeeded.Should().BeTrue();
        admin.Create(new NewAccount("alice", "Alice", UserRole.Member, ["vision"], "alice-password"), Root).Succeeded.Should().BeTrue();
    }

    private int AuditCount => audit.Recent(10_000).Count;

    [Fact]
    public void Every_bad_field_of_a_new_account_is_named_and_nothing_is_written()
    {
        var before = AuditCount;

        var outcome = admin.Create(new NewAccount("", " ", (UserRole)42, ["nope"], "short"), Root);

        outcome.Succeeded.Should().BeFalse();
        outcome.Problems.Keys.Should().BeEquivalentTo(
            UserAdministration.FieldName, UserAdministration.FieldDisplayName, UserAdministration.FieldRole, UserAdministration.FieldTeams, UserAdministration.FieldPassword);
        outcome[UserAdministration.FieldTeams].Should().Contain("nope").And.Contain("quota");
        users.All().Select(u => u.Name).Should().Equal("alice", "root");
        AuditCount.Should().Be(before);
    }

    [Fact]
    public void The_last_role_or_enabled_change_an_admin_makes_to_themselves_is_refused_but_other_edits_pass()
    {
        admin.Update("root", new AccountChange("Root", UserRole.TeamLead, [], true), Root)[UserAdministration.FieldRole].Should().Be(UserAdministration.SelfDemotion);
        admin.Update("root", new AccountChange("Root", UserRole.Admin, [], false), Root)[UserAdministration.FieldEnabled].Should().Be(UserAdministration.SelfDemotion);
        users.Find("root")!.Should().Match<UserAccount>(u => u.Role == UserRole.Admin && u.Enabled);

        admin.Update("root", new AccountChange("Root the admin", UserRole.Admin, ["nlp"], true), Root).Succeeded.Should().BeTrue();
        users.Find("root")!.DisplayName.Should().Be("Root the admin");
    }

    [Fact]
    public void Changes_to_unknown_accounts_or_teams_are_refused_with_a_message()
    {
        var before = AuditCount;

        admin.Update("ghost", new AccountChange("G", UserRole.Member, [], true), Root)[UserAdministration.FieldAccount].Should().Contain("no account named 'ghost'");
        admin.ResetPassword("ghost", "long-enough-pw", Root).Succeeded.Should().BeFalse();
        admin.Unlock("ghost", Root).Succeeded.Should().BeFalse();
        admin.AddMember("nope", "alice", Root)[UserAdministration.FieldTeams].Should().Contain("no team named 'nope'");
        admin.AddMember("nlp", "ghost", Root)[UserAdministration.FieldAccount].Should().Contain("ghost");
        admin.AddMember("vision", "alice", Root)[UserAdministration.FieldAccount].Should().Be("alice is already a member of vision.");
        admin.RemoveMember("nlp", "alice", Root)[UserAdministration.FieldAccount].Should().Be("alice is not a member of nlp.");

        AuditCount.Should().Be(before);
    }

    [Fact]
    public void Memberships_are_audited_against_the_team_with_its_members_before_and_after()
    {
        admin.AddMember("vision", "root", Root).Succeeded.Should().BeTrue();

        var entry = audit.ForTarget("team:vision").Single().Entry;
        entry.Should().Be(new AuditEntry(time.GetUtcNow(), "root", "team.member-add", "team:vision",
            "{\"team\":\"vision\",\"members\":[\"alice\"]}", "{\"team\":\"vision\",\"members\":[\"alice\",\"root\"]}"));
        admin.Memberships().Should().BeEquivalentTo(new[] { new TeamMembers("nlp", []), new TeamMembers("vision", ["alice", "root"]) });
    }

    public void Dispose()
    {
        database.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Pooled connections may still hold the file; the OS cleans temp folders.
        }
    }
}
