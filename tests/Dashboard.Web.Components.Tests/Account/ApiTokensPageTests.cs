using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Tokens;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Dashboard.Web.Account;

namespace Dashboard.Web.Components.Tests.Account;

/// <summary>The tokens page on a real SQLite file: a new token is shown once, listed by its prefix only, and revoked.</summary>
public sealed class ApiTokensPageTests : ComponentTest
{
    private readonly string folder;

    public ApiTokensPageTests()
        : this(Store())
    {
    }

    private ApiTokensPageTests((string Folder, ApiTokens Tokens) store)
        : base(services => services.AddSingleton(store.Tokens)) => folder = store.Folder;

    private static (string Folder, ApiTokens Tokens) Store()
    {
        var folder = Directory.CreateTempSubdirectory("tokens-page-").FullName;
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 7, 0, 0, TimeSpan.Zero));
        var database = Database.Open(new DatabaseOptions { DataFolder = folder }, time);
        var users = new UserStore(database);
        foreach (var name in new[] { "alice", "bob" })
        {
            users.Create(new UserAccount(name, name, UserRole.Member, [], true, 0, null, time.GetUtcNow()), "hash", new AuditEntry(time.GetUtcNow(), "test", "user.create", "user:" + name, null, null));
        }

        return (folder, new ApiTokens(new ApiTokenStore(database), users, time));
    }

    private ApiTokens Tokens => Services.GetRequiredService<ApiTokens>();

    [Fact]
    public void A_new_token_is_shown_once_and_listed_by_its_prefix_only()
    {
        var page = Render<ApiTokensPage>();
        page.Find("#no-tokens");

        page.Find("#token-name").Input("laptop");
        page.Find("#create-token").Click();

        var secret = page.Find("#new-token-secret").TextContent;
        secret.Should().StartWith("dash_");
        Tokens.Authenticate(secret).Account!.Name.Should().Be("alice");
        page.Find(".token-row .token-name").TextContent.Should().Be("laptop");
        page.Find("#tokens-table").TextContent.Should().NotContain(secret[9..], "the list shows only the first characters");

        var reopened = Render<ApiTokensPage>();
        reopened.Markup.Should().NotContain(secret, "a token is shown only when it is made");
        reopened.FindAll(".token-row").Should().HaveCount(1);
    }

    [Fact]
    public void A_token_without_a_name_is_refused_with_a_reason()
    {
        var page = Render<ApiTokensPage>();

        page.Find("#create-token").Click();

        page.Markup.Should().Contain("Give the token a name");
        page.FindAll("#new-token-secret").Should().BeEmpty();
        Tokens.ListFor(User).Should().BeEmpty();
    }

    [Fact]
    public void Revoke_stops_the_token_and_marks_it_revoked()
    {
        var created = Tokens.Create(User, "script").Created!;
        var page = Render<ApiTokensPage>();

        page.Find(".revoke-token").Click();

        page.Find(".token-row").GetAttribute("data-revoked").Should().Be("1");
        page.Find(".token-status").TextContent.Should().StartWith("revoked");
        page.FindAll(".revoke-token").Should().BeEmpty();
        Tokens.Authenticate(created.Secret).Refusal.Should().Be("The token has been revoked.");
    }

    [Fact]
    public void Each_person_sees_only_their_own_tokens()
    {
        Tokens.Create(new SignedInUser("bob", UserRole.Member, ImmutableArray.Create("nlp")), "bobs").Succeeded.Should().BeTrue();
        Tokens.Create(User, "mine");

        var page = Render<ApiTokensPage>();

        page.FindAll(".token-row .token-name").Select(c => c.TextContent).Should().Equal("mine");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
