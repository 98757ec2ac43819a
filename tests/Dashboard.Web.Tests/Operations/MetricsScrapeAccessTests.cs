using System.Net;
using System.Net.Http.Headers;
using Dashboard.Engine.Loop;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Operations;

/// <summary>Who may scrape /metrics over a real socket: loopback by default; with loopback turned off, only the scrape token or an admin.</summary>
[Collection(nameof(MetricsRunAlone))]
public sealed class MetricsScrapeAccessTests
{
    private const string Token = "scrape-secret-for-tests";

    [Fact]
    public async Task With_loopback_turned_off_an_anonymous_scrape_is_refused_and_the_token_lets_it_in()
    {
        await using var factory = new DashboardFactory { Settings = new Dictionary<string, string> { ["Metrics:AllowLoopback"] = "false", ["Metrics:Token"] = Token } };
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        using var client = factory.CreateClient();
        var cancel = TestContext.Current.CancellationToken;

        using (var anonymous = await client.GetAsync(new Uri("/metrics", UriKind.Relative), cancel))
        {
            anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative)))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token + "x");
            using var refused = await client.SendAsync(wrong, cancel);
            refused.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        using (var right = new HttpRequestMessage(HttpMethod.Get, new Uri("/metrics", UriKind.Relative)))
        {
            right.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var allowed = await client.SendAsync(right, cancel);
            allowed.StatusCode.Should().Be(HttpStatusCode.OK);
            (await allowed.Content.ReadAsStringAsync(cancel)).Should().Contain("dashboard_node_gpus{");
        }

        var (alice, _) = await SignIn.OverSocketAsync(factory, "alice");
        using (alice)
        {
            using var member = await alice.GetAsync(new Uri("/metrics", UriKind.Relative), cancel);
            member.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        }

        var (admin, _) = await SignIn.OverSocketAsync(factory, "admin");
        using (admin)
        {
            using var allowed = await admin.GetAsync(new Uri("/metrics", UriKind.Relative), cancel);
            allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        }
    }
}
