using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Data.Writing;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Users;

public sealed class UserStoreTests : StoreTest
{
    private readonly UserStore users;
    private readonly AuditStore audit;

    public UserStoreTests()
    {
        Writer.Write([new QuotaSet(Quota("vision"), Now), new QuotaSet(Quota("nlp"), Now)]);
        users = new UserStore(Database);
        audit = new AuditStore(Database);
    }

    private UserAccount Alice(params string[] teams) => new("alice", "Alice A.", UserRole.Member, [.. teams], true, 0, null, Now);

    private AuditEntry Entry(string action) => new(Now, "admin", action, "user:alice", null, null);

    [Fact]
    public void A_created_account_is_found_with_its_teams_and_its_hash_only_through_PasswordHash()
    {
        users.Any().Should().BeFalse();
        users.Create(Alice("vision", "nlp"), "HASH-1", Entry("user.create"));

        var found = users.Find("alice")!;
        found.Should().BeEquivalentTo(Alice("nlp", "vision"));
        users.PasswordHash("alice").Should().Be("HASH-1");
        users.PasswordHash("nobody").Should().BeNull();
        users.Any().Should().BeTrue();
        users.All().Select(u => u.Name).Should().Equal("alice");
        audit.ForTarget("user:alice").Select(r => r.Entry.Action).Should().Equal("user.create");
    }

    [Fact]
    public void CreateFirst_adds_an_account_only_while_none_exists()
    {
        users.CreateFirst(Alice(), "HASH-1", Entry("user.create"));

        var bob = new UserAccount("bob", "Bob", UserRole.Admin, [], true, 0, null, Now);
        var second = () => users.CreateFirst(bob, "HASH-2", new AuditEntry(Now, "setup", "user.create", "user:bob", null, null));

        second.Should().Throw<UserStoreException>().WithMessage("*already exists*");
        users.All().Select(u => u.Name).Should().Equal("alice");
        audit.ForTarget("user:bob").Should().BeEmpty();
    }

    [Fact]
    public void Creating_a_taken_name_or_with_an_unknown_team_is_refused_and_writes_nothing()
    {
        users.Create(Alice("vision"), "HASH-1", Entry("user.create"));

        var taken = () => users.Create(Alice("nlp"), "HASH-2", Entry("user.create"));
        taken.Should().Throw<UserStoreException>().WithMessage("*already exists*");

        var bob = new UserAccount("bob", "Bob", UserRole.TeamLead, ["vision", "no-such-team"], true, 0, null, Now);
        var unknownTeam = () => users.Create(bob, "HASH-3", new AuditEntry(Now, "admin", "user.create", "user:bob", null, null));
        unknownTeam.Should().Throw<UserStoreException>().WithMessage("*no team named 'no-such-team'*");

        users.Find("bob").Should().BeNull();
        users.PasswordHash("alice").Should().Be("HASH-1");
        users.Find("alice")!.Teams.Should().Equal("vision");
        audit.Recent().Should().ContainSingle();
    }

    [Fact]
    public void Failed_sign_ins_lock_and_a_success_or_a_new_password_unlocks()
    {
        users.Create(Alice("vision"), "HASH-1", Entry("user.create"));
        var until = Now.AddMinutes(15);

        users.RecordFailedSignIn("alice", 5, until, Entry("auth.sign-in-failed"));
        var locked = users.Find("alice")!;
        locked.FailedSignIns.Should().Be(5);
        locked.LockedUntil.Should().Be(until);
        locked.IsLockedAt(Now).Should().BeTrue();
        locked.IsLockedAt(until).Should().BeFalse();

        users.SetPasswordHash("alice", "HASH-2", Entry("user.password"));
        users.Find("alice")!.Should().Match<UserAccount>(u => u.FailedSignIns == 0 && u.LockedUntil == null);
        users.PasswordHash("alice").Should().Be("HASH-2");

        users.RecordFailedSignIn("alice", 1, null, Entry("auth.sign-in-failed"));
        users.RecordSignIn("alice", Entry("auth.sign-in"));
        users.Find("alice")!.FailedSignIns.Should().Be(0);
    }

    [Fact]
    public void Update_changes_role_teams_and_enabled_and_refuses_an_unknown_account()
    {
        users.Create(Alice("vision"), "HASH-1", Entry("user.create"));
        users.Update(Alice("nlp") with { Role = UserRole.TeamLead, Enabled = false, DisplayName = "Alice" }, Entry("user.update"));

        var updated = users.Find("alice")!;
        updated.Role.Should().Be(UserRole.TeamLead);
        updated.Enabled.Should().BeFalse();
        updated.DisplayName.Should().Be("Alice");
        updated.Teams.Should().Equal("nlp");

        var unknown = () => users.Update(Alice() with { Name = "carol" }, Entry("user.update"));
        unknown.Should().Throw<UserStoreException>().WithMessage("*no account named 'carol'*");
        audit.Recent().Should().HaveCount(2);
    }

    [Fact]
    public void Team_names_are_listed_in_order()
    {
        users.TeamNames().Should().Equal("nlp", "vision");
    }

    [Fact]
    public void Unlock_lifts_a_lock_out_with_its_audit_entry_and_refuses_an_unknown_account()
    {
        users.Create(Alice("vision"), "HASH-1", Entry("user.create"));
        users.RecordFailedSignIn("alice", 0, Now.AddMinutes(15), Entry("auth.sign-in-failed"));
        users.Find("alice")!.IsLockedAt(Now).Should().BeTrue();

        users.Unlock("alice", Entry("user.unlock"));

        var alice = users.Find("alice")!;
        alice.IsLockedAt(Now).Should().BeFalse();
        alice.FailedSignIns.Should().Be(0);
        users.PasswordHash("alice").Should().Be("HASH-1");
        audit.Recent(1).Single().Entry.Action.Should().Be("user.unlock");

        var unknown = () => users.Unlock("nobody", new AuditEntry(Now, "admin", "user.unlock", "user:nobody", null, null));
        unknown.Should().Throw<UserStoreException>();
        audit.ForTarget("user:nobody").Should().BeEmpty("a refused change writes no audit entry");
    }
}
