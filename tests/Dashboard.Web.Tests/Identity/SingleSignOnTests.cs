using System.Net;
using System.Security.Claims;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Identity;

/// <summary>
/// Optional OpenID Connect sign-in. No provider can run here, so the tests check the wiring (off by default, on when
/// configured) and the rule that maps a provider's identity onto an account here; the cookie path is tested end to
/// end elsewhere.
/// </summary>
public sealed class SingleSignOnTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    [Fact]
    public async Task Without_a_provider_there_is_no_sso_scheme_link_or_endpoint()
    {
        await factory.AccountsReady;
        using var client = factory.CreateClient();

        (await factory.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(OpenIdConnectOptions.Scheme)).Should().BeNull();
        (await client.GetStringAsync(new Uri("/account/login", UriKind.Relative), TestContext.Current.CancellationToken)).Should().NotContain("single-sign-on");
        using var sso = await client.GetAsync(new Uri("/account/sso", UriKind.Relative), TestContext.Current.CancellationToken);
        sso.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_configured_provider_adds_the_scheme_and_a_button_on_the_sign_in_page()
    {
        await using var configured = factory.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Identity:OpenIdConnect:Authority", "https://sso.example.invalid");
            builder.UseSetting("Identity:OpenIdConnect:ClientId", "dashboard");
            builder.UseSetting("Identity:OpenIdConnect:DisplayName", "Sign in with Example SSO");
        });
        using var client = configured.CreateClient();

        (await configured.Services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(OpenIdConnectOptions.Scheme)).Should().NotBeNull();
        var page = await client.GetStringAsync(new Uri("/account/login", UriKind.Relative), TestContext.Current.CancellationToken);
        page.Should().Contain("id=\"single-sign-on\"").And.Contain("Sign in with Example SSO");
    }

    [Fact]
    public async Task A_provider_identity_maps_to_an_enabled_account_here_with_its_role_and_teams_or_to_nobody()
    {
        await factory.AccountsReady;
        var users = factory.Services.GetRequiredService<UserStore>();
        static ClaimsPrincipal Provided(string? name) =>
            new(new ClaimsIdentity(name is null ? [] : [new Claim("preferred_username", name), new Claim(ClaimTypes.Role, "Admin")], "oidc"));

        var lead = SingleSignOn.AccountFor(users, Provided("lead"), "preferred_username");
        lead.Should().BeEquivalentTo(new { Name = "lead", Role = UserRole.TeamLead });
        lead!.Teams.Should().Equal("vision");

        SingleSignOn.AccountFor(users, Provided("mallory"), "preferred_username").Should().BeNull("no account here");
        SingleSignOn.AccountFor(users, Provided(null), "preferred_username").Should().BeNull("no name claim");
        SingleSignOn.AccountFor(users, Provided("lead"), "email").Should().BeNull("the configured claim is missing");
        SingleSignOn.AccountFor(users, Provided("alice"), "preferred_username")!.Role.Should().Be(UserRole.Member, "the role comes from the account here, never from the provider's claims");
    }
}
