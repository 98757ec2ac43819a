using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Components;
using Dashboard.Web.Admin;

namespace Dashboard.Web.Components.Tests.Admin;

public sealed class UsersPageTests : AdminPageTest
{
    public UsersPageTests()
    {
        Data.Account("root", UserRole.Admin);
        Data.Account("alice", UserRole.Member, "vision");
    }

    [Fact]
    public void Accounts_are_listed_with_role_teams_and_state()
    {
        var page = Render<UsersPage>();

        page.FindAll("tr[data-user]").Select(r => r.GetAttribute("data-user")).Should().Equal("alice", "root");
        var alice = page.Find("tr[data-user='alice']");
        alice.QuerySelector("[data-role]")!.TextContent.Should().Be("Member");
        alice.TextContent.Should().Contain("vision").And.Contain("ALICE");
        page.Find("tr[data-team='vision'] [data-member='alice']").Should().NotBeNull();
        page.Find("#create-team-link").GetAttribute("href").Should().Be("admin/quotas");
    }

    [Fact]
    public void A_create_with_bad_input_shows_messages_under_the_fields_and_writes_nothing()
    {
        var auditBefore = Data.Audit.Recent(1000).Count;
        var page = Render<UsersPage>();
        page.Find("#new-user").Click();

        Field(page, "user-name-input").Change("no spaces allowed");
        Field(page, "user-password-input").Change("short");
        page.Find("#save-user").Click();

        page.Markup.Should().Contain("A user name is 1 to").And.Contain("A password needs at least 8 characters.").And.Contain("A display name is 1 to");
        page.Find("#users-message").TextContent.Should().Contain("Nothing was changed");
        Data.Users.All().Select(u => u.Name).Should().Equal("alice", "root");
        Data.Audit.Recent(1000).Should().HaveCount(auditBefore);

        Field(page, "user-name-input").Change("alice");
        Field(page, "user-display-input").Change("Another Alice");
        Field(page, "user-password-input").Change("long-enough-password");
        page.Find("#save-user").Click();

        page.Markup.Should().Contain("An account named 'alice' already exists.");
        Data.Users.Find("alice")!.DisplayName.Should().Be("ALICE");
        Data.Audit.Recent(1000).Should().HaveCount(auditBefore);
    }

    [Fact]
    public void A_valid_create_writes_the_account_and_an_audit_entry_by_the_admin_without_the_password()
    {
        var page = Render<UsersPage>();
        page.Find("#new-user").Click();

        Field(page, "user-name-input").Change("carol");
        Field(page, "user-display-input").Change("Carol C.");
        Field(page, "user-password-input").Change("carols-secret-pw");
        page.Find("#user-role-input").Change("TeamLead");
        page.Find("#user-teams-input input[data-team-choice='nlp']").Change(true);
        page.Find("#save-user").Click();

        page.Find("#users-message").TextContent.Should().Contain("Created carol");
        page.Find("tr[data-user='carol'] [data-role]").TextContent.Should().Be("TeamLead");
        var carol = Data.Users.Find("carol")!;
        carol.Role.Should().Be(UserRole.TeamLead);
        carol.Teams.Should().Equal("nlp");
        Data.Accounts.SignIn("carol", "carols-secret-pw").Succeeded.Should().BeTrue();

        var entry = Data.Audit.ForTarget("user:carol").Single(r => r.Entry.Action == "user.create").Entry;
        entry.Actor.Should().Be("root");
        entry.AfterJson.Should().Contain("\"Role\":\"TeamLead\"").And.Contain("nlp");
        var hash = Data.Users.PasswordHash("carol")!;
        foreach (var record in Data.Audit.Recent(1000))
        {
            $"{record.Entry.BeforeJson}{record.Entry.AfterJson}".Should().NotContain("carols-secret-pw").And.NotContain(hash);
        }

        page.Markup.Should().NotContain("carols-secret-pw").And.NotContain(hash);
    }

    [Fact]
    public void An_admin_sets_the_Unix_user_an_accounts_jobs_run_as_never_root_and_each_change_is_audited()
    {
        Data.Account("carol", UserRole.Member, "nlp");
        var page = Render<UsersPage>();
        page.Find("[data-edit='carol']").Click();

        foreach (var (name, problem) in new[]
        {
            ("root", "Jobs never run as root (uid 0): choose another Unix user."),
            ("toor", "Jobs never run as root (uid 0): choose another Unix user."),
            ("Carol Smith", "A Unix user name is 1 to 32 lowercase letters, digits, '_', '-' or '.', starting with a letter or '_'."),
        })
        {
            page.Find("#unix-user-input").Change(name);
            page.Find("#save-unix-user").Click();
            page.Find("#unix-user-field").TextContent.Should().Contain(problem);
        }

        Data.UnixUsers.UnixUserOf("carol").Should().BeNull("nothing was stored");
        page.Find("#unix-user-input").Change("carol-hpc");
        page.Find("#save-unix-user").Click();

        Data.UnixUsers.UnixUserOf("carol").Should().Be("carol-hpc");
        page.Find("#unix-user-field").TextContent.Should().Contain("Local jobs of carol run as Unix user 'carol-hpc'");
        var audit = Data.Audit.ForTarget("user:carol").Single(r => r.Entry.Action == "user.unix-user").Entry;
        (audit.Actor, audit.BeforeJson, audit.AfterJson).Should().Be(("root", "{\"unixUser\":null}", "{\"unixUser\":\"carol-hpc\"}"));
    }

    [Fact]
    public void An_admin_cannot_demote_or_disable_themselves()
    {
        var page = Render<UsersPage>();
        page.Find("[data-edit='root']").Click();
        page.Find("#edit-role-input").Change("Member");
        page.Find("#save-edit").Click();

        page.Markup.Should().Contain(UserAdministration.SelfDemotion);
        Data.Users.Find("root")!.Role.Should().Be(UserRole.Admin);

        page.Find("#edit-role-input").Change("Admin");
        page.Find("#edit-enabled-input").Change(false);
        page.Find("#save-edit").Click();

        page.Find("#edit-enabled-problem").TextContent.Should().Be(UserAdministration.SelfDemotion);
        Data.Users.Find("root")!.Enabled.Should().BeTrue();
        Data.Audit.ForTarget("user:root").Select(r => r.Entry.Action).Should().Equal("user.create");
    }

    [Fact]
    public void Editing_another_account_changes_role_teams_and_enabled_with_before_and_after()
    {
        var page = Render<UsersPage>();
        page.Find("[data-edit='alice']").Click();
        page.Find("#edit-role-input").Change("TeamLead");
        page.Find("#edit-teams-input input[data-team-choice='nlp']").Change(true);
        page.Find("#edit-enabled-input").Change(false);
        page.Find("#save-edit").Click();

        var alice = Data.Users.Find("alice")!;
        alice.Role.Should().Be(UserRole.TeamLead);
        alice.Teams.Should().Equal("nlp", "vision");
        alice.Enabled.Should().BeFalse();
        var entry = Data.Audit.ForTarget("user:alice")[0].Entry;
        entry.Action.Should().Be("user.update");
        entry.Actor.Should().Be("root");
        entry.BeforeJson.Should().Contain("\"Role\":\"Member\"").And.Contain("\"Enabled\":true");
        entry.AfterJson.Should().Contain("\"Role\":\"TeamLead\"").And.Contain("\"Enabled\":false");
        page.Find("tr[data-user='alice'] [data-enabled]").TextContent.Should().Be("no");
    }

    [Fact]
    public void A_password_reset_and_an_unlock_are_audited_and_a_short_password_is_refused()
    {
        for (var i = 0; i < 5; i++)
        {
            Data.Accounts.SignIn("alice", "wrong-password");
        }

        Data.Users.Find("alice")!.IsLockedAt(Data.Time.GetUtcNow()).Should().BeTrue();
        var page = Render<UsersPage>();
        page.Find("[data-unlock='alice']").Click();

        Data.Users.Find("alice")!.IsLockedAt(Data.Time.GetUtcNow()).Should().BeFalse();
        Data.Audit.ForTarget("user:alice")[0].Entry.Should().Match<Dashboard.Data.Audit.AuditEntry>(e => e.Action == "user.unlock" && e.Actor == "root");

        page.Find("[data-edit='alice']").Click();
        Field(page, "reset-password-input").Change("short");
        page.Find("#reset-password").Click();
        page.Markup.Should().Contain("A password needs at least 8 characters.");
        Data.Accounts.SignIn("alice", "alice-password").Succeeded.Should().BeTrue("the refused reset changed nothing");

        Field(page, "reset-password-input").Change("a-brand-new-password");
        page.Find("#reset-password").Click();

        Data.Accounts.SignIn("alice", "a-brand-new-password").Succeeded.Should().BeTrue();
        var reset = Data.Audit.ForTarget("user:alice").Single(r => r.Entry.Action == "user.password-reset").Entry;
        reset.Actor.Should().Be("root");
        $"{reset.BeforeJson}{reset.AfterJson}".Should().NotContain("a-brand-new-password").And.NotContain(Data.Users.PasswordHash("alice")!);
        page.Markup.Should().NotContain("a-brand-new-password");
    }

    [Fact]
    public void Memberships_are_added_and_removed_from_the_teams_list()
    {
        var page = Render<UsersPage>();
        page.Find("select[data-add-select='nlp']").Change("alice");
        page.Find("[data-add-member='nlp']").Click();

        Data.Users.Find("alice")!.Teams.Should().Equal("nlp", "vision");
        var added = Data.Audit.ForTarget("team:nlp").Single().Entry;
        added.Action.Should().Be("team.member-add");
        added.AfterJson.Should().Contain("alice");
        page.Find("tr[data-team='nlp'] [data-member='alice']").Should().NotBeNull();

        page.Find("[data-add-member='nlp']").Click();
        page.Find("#users-message").TextContent.Should().Be("Choose an account.");

        page.Find("tr[data-team='vision'] [data-member='alice'] button").Click();

        Data.Users.Find("alice")!.Teams.Should().Equal("nlp");
        Data.Audit.ForTarget("team:vision").Single().Entry.Action.Should().Be("team.member-remove");
    }

    private static AngleSharp.Dom.IElement Field<T>(IRenderedComponent<T> page, string id)
        where T : IComponent
    {
        var element = page.Find($"#{id}");
        return element.TagName is "INPUT" or "SELECT" ? element : element.QuerySelector("input")!;
    }
}
