using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Web.Tests;

/// <summary>The host on a real Kestrel socket (loopback, a port the OS picks), as a browser will reach it.</summary>
public sealed class KestrelHostTests
{
    [Fact]
    public async Task Answers_healthz_the_Cluster_page_and_its_style_sheet_over_a_real_socket()
    {
        await using var factory = new DashboardFactory();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var anonymous = factory.CreateClient();
        var (client, _) = await SignIn.OverSocketAsync(factory, "alice");
        using var signedIn = client;
        var cancel = TestContext.Current.CancellationToken;

        client.BaseAddress!.Host.Should().Be("127.0.0.1");
        using var unauthenticated = await anonymous.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        unauthenticated.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "a client that does not ask for HTML gets 401, not a redirect");
        client.BaseAddress.Port.Should().BePositive();

        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancel);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        (await health.Content.ReadAsStringAsync(cancel)).Should().Be("ok");

        using var page = await client.GetAsync(new Uri("/", UriKind.Relative), cancel);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync(cancel)).Should().Contain("<title>Cluster · Compute Dashboard</title>").And.Contain("id=\"cluster-page\"");

        using var css = await client.GetAsync(new Uri("/app.css", UriKind.Relative), cancel);
        css.StatusCode.Should().Be(HttpStatusCode.OK);
        css.Content.Headers.ContentType?.MediaType.Should().Be("text/css");
    }
}
