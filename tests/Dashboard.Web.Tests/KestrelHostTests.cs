using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dashboard.Web.Tests;

/// <summary>The host on a real Kestrel socket (loopback, a port the OS picks), as a browser will reach it.</summary>
public sealed class KestrelHostTests
{
    [Fact]
    public async Task Answers_healthz_and_the_landing_page_over_a_real_socket()
    {
        await using var factory = new DashboardFactory();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();
        var cancel = TestContext.Current.CancellationToken;

        client.BaseAddress!.Host.Should().Be("127.0.0.1");
        client.BaseAddress.Port.Should().BePositive();

        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative), cancel);
        health.StatusCode.Should().Be(HttpStatusCode.OK);
        (await health.Content.ReadAsStringAsync(cancel)).Should().Be("ok");

        using var page = await client.GetAsync(new Uri("/index.html", UriKind.Relative), cancel);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync(cancel)).Should().Contain("<title>Compute Dashboard</title>");
    }
}
