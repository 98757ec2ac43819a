using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Data.Audit;
using Dashboard.Data.Tokens;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>Personal tokens and sign-in on the API: who gets in, as whom, and what a refusal looks like.</summary>
public sealed class TokenAndAccessTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_signs_in_as_its_owner_with_the_accounts_role_and_teams()
    {
        var me = await host.As("lead").GetFromJsonAsync<AccountView>(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel);

        me.Should().Be(me! with { Name = "lead", Role = "TeamLead" });
        me.Teams.Should().Equal("vision");
    }

    [Fact]
    public async Task Without_credentials_the_api_answers_401_problem_details_never_a_redirect_even_to_a_browser()
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");

        using var response = await client.GetAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ApiHost.ProblemOf(response)).Detail.Should().Contain("Authorization: Bearer");
    }

    [Fact]
    public async Task An_unknown_or_malformed_token_is_401_with_the_reason()
    {
        using var unknown = await host.WithToken(ApiTokens.Prefix + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA").GetAsync(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel);
        using var foreign = await host.WithToken("ghp_not-ours").GetAsync(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel);

        unknown.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        unknown.Headers.WwwAuthenticate.ToString().Should().Contain("invalid_token");
        (await ApiHost.ProblemOf(unknown)).Detail.Should().Contain("The token is not known.");
        foreign.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once_and_the_revocation_is_audited()
    {
        var tokens = host.Factory.Services.GetRequiredService<ApiTokens>();
        var alice = SignedInUser.Of(host.Factory.Services.GetRequiredService<UserStore>().Find("alice")!);
        var created = tokens.Create(alice, "to-revoke").Created!;
        var client = host.WithToken(created.Secret);
        using (var before = await client.GetAsync(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel))
        {
            before.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        tokens.Revoke(alice, created.Token.Id).Succeeded.Should().BeTrue();

        using var after = await client.GetAsync(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel);
        after.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ApiHost.ProblemOf(after)).Detail.Should().Contain("revoked");
        var audit = host.Factory.Services.GetRequiredService<AuditStore>().Query(new AuditQuery(Actor: "alice", Action: "token."), 0, 100).Records;
        audit.Select(r => r.Entry.Action).Should().Contain(["token.create", "token.revoke"]);
        audit.Should().OnlyContain(r => !(r.Entry.AfterJson ?? "").Contains(created.Secret, StringComparison.Ordinal), "the audit log never holds a token");
    }

    [Fact]
    public async Task Only_a_hash_is_stored_and_use_is_recorded()
    {
        var alice = SignedInUser.Of(host.Factory.Services.GetRequiredService<UserStore>().Find("alice")!);
        var created = host.Factory.Services.GetRequiredService<ApiTokens>().Create(alice, "hash-check").Created!;
        var store = host.Factory.Services.GetRequiredService<ApiTokenStore>();

        using var response = await host.WithToken(created.Secret).GetAsync(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        created.Secret.Should().StartWith("dash_").And.HaveLength(5 + 43);
        store.FindBySecretHash(ApiTokens.HashOf(created.Secret))!.Id.Should().Be(created.Token.Id);
        store.Find(created.Token.Id)!.LastUsedAt.Should().NotBeNull();
        var file = await File.ReadAllBytesAsync(Path.Combine(host.Factory.DataFolder, "dashboard.db"), Cancel);
        System.Text.Encoding.Latin1.GetString(file).Should().NotContain(created.Secret[5..], "the token itself is never written");
    }

    [Fact]
    public async Task A_disabled_accounts_token_is_refused()
    {
        var users = host.Factory.Services.GetRequiredService<UserStore>();
        var admin = SignedInUser.Of(users.Find("admin")!);
        var administration = host.Factory.Services.GetRequiredService<UserAdministration>();
        var created = administration.Create(new NewAccount("carol", "Carol", UserRole.Member, ["vision"], "carol-password-1"), admin);
        created.Succeeded.Should().BeTrue(string.Join("; ", created.Problems.Values));
        var carol = SignedInUser.Of(users.Find("carol")!);
        var token = host.Factory.Services.GetRequiredService<ApiTokens>().Create(carol, "carol").Created!.Secret;
        using (var enabled = await host.WithToken(token).GetAsync(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel))
        {
            enabled.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        administration.Update("carol", new AccountChange("Carol", UserRole.Member, ["vision"], Enabled: false), admin).Succeeded.Should().BeTrue();

        using var disabled = await host.WithToken(token).GetAsync(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel);
        disabled.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ApiHost.ProblemOf(disabled)).Detail.Should().Contain("disabled");
    }

    [Fact]
    public async Task The_dashboard_cookie_also_works_on_the_api()
    {
        var (client, _) = await SignIn.OverSocketAsync(host.Factory, "bob");
        using var _client = client;

        var me = await client.GetFromJsonAsync<AccountView>(new Uri(ApiRoutes.Me, UriKind.Relative), Cancel);

        me!.Name.Should().Be("bob");
    }

    [Fact]
    public async Task A_token_also_opens_the_live_hub()
    {
        using var withToken = await host.As("alice").PostAsync(new Uri("/hubs/cluster/negotiate?negotiateVersion=1", UriKind.Relative), null, Cancel);
        using var inQuery = await host.As("").PostAsync(new Uri("/hubs/cluster/negotiate?negotiateVersion=1&access_token=" + host.TokenOf("bob"), UriKind.Relative), null, Cancel);
        using var without = await host.As("").PostAsync(new Uri("/hubs/cluster/negotiate?negotiateVersion=1", UriKind.Relative), null, Cancel);

        withToken.StatusCode.Should().Be(HttpStatusCode.OK);
        inQuery.StatusCode.Should().Be(HttpStatusCode.OK, "a WebSocket client passes the token as access_token");
        without.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task An_unknown_api_path_is_a_404_problem()
    {
        using var response = await host.As("alice").GetAsync(new Uri(ApiRoutes.Prefix + "/nothing-here", UriKind.Relative), Cancel);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ApiHost.ProblemOf(response)).Status.Should().Be(404);
    }
}
