using System.Net;
using System.Net.Http.Headers;

namespace Dashboard.Web.Tests.Admin;

/// <summary>The quota and node admin pages through the real pipeline: only admins reach them; everyone signed in sees /quotas.</summary>
public sealed class AdminPagesAccessTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    [Theory]
    [InlineData("alice", "/admin/quotas")]
    [InlineData("alice", "/admin/nodes")]
    [InlineData("lead", "/admin/quotas")]
    [InlineData("lead", "/admin/nodes")]
    public async Task Members_and_team_leads_are_refused_the_admin_pages(string user, string path)
    {
        using var client = await SignIn.AsAsync(factory, user);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        var deniedPage = response.RequestMessage!.RequestUri!.AbsolutePath == "/account/denied";
        (response.StatusCode == HttpStatusCode.Forbidden || deniedPage).Should().BeTrue(
            $"{user} is not an admin, so {path} answers 403 or sends to /account/denied (got {(int)response.StatusCode} at {response.RequestMessage.RequestUri})");
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().NotContain("admin-quotas-page").And.NotContain("admin-nodes-page");
    }

    [Theory]
    [InlineData("/admin/quotas", "id=\"admin-quotas-page\"")]
    [InlineData("/admin/nodes", "id=\"admin-nodes-page\"")]
    public async Task An_admin_gets_the_admin_pages(string path, string marker)
    {
        using var client = await SignIn.AsAsync(factory, "admin");

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.RequestMessage!.RequestUri!.AbsolutePath.Should().Be(path);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Contain(marker);
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("lead")]
    [InlineData("admin")]
    public async Task Everyone_signed_in_gets_the_quotas_page(string user)
    {
        using var client = await SignIn.AsAsync(factory, user);

        using var response = await client.GetAsync(new Uri("/quotas", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Should().Contain("id=\"quotas-page\"");
    }
}
