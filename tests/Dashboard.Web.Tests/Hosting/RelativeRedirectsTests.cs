using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Api;
using Microsoft.AspNetCore.Http;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>A forged Host header does not come back in a redirect.</summary>
public sealed class RelativeRedirectsTests(ApiHost host) : IClassFixture<ApiHost>
{
    [Fact]
    public async Task A_forged_host_gets_a_relative_location_to_the_sign_in_page()
    {
        var answer = await RawHttp.SendAsync(host.Address, "GET /jobs?state=Running HTTP/1.1\nHost: evil.example\nAccept: text/html\nConnection: close\n");

        answer.Status.Should().Be(302);
        answer.Header("Location").Should().StartWith("/account/login?ReturnUrl=").And.NotContain("evil.example");
    }

    [Fact]
    public async Task With_allowed_hosts_set_as_the_docs_say_another_host_is_refused_before_the_app()
    {
        await using var guarded = new ApiHost(new DashboardFactory { Settings = new Dictionary<string, string> { ["AllowedHosts"] = "dashboard.example;127.0.0.1" } });
        await guarded.InitializeAsync();

        var refused = await RawHttp.SendAsync(guarded.Address, "GET /healthz HTTP/1.1\nHost: evil.example\nConnection: close\n");
        var allowed = await RawHttp.SendAsync(guarded.Address, "GET /healthz HTTP/1.1\nHost: dashboard.example\nConnection: close\n");

        refused.Status.Should().Be(400);
        allowed.Status.Should().Be(200);
    }

    [Theory]
    [InlineData("http://dashboard.example/account/login?x=1#top", "/account/login?x=1#top")]
    [InlineData("https://dashboard.example:8443/jobs", "/jobs")]
    [InlineData("https://sso.example/authorize?redirect_uri=x", null)]
    [InlineData("/already/relative", null)]
    [InlineData("javascript:alert(1)", null)]
    public void Only_locations_on_the_requests_own_host_become_relative(string location, string? relative)
    {
        var request = new DefaultHttpContext().Request;
        request.Host = new HostString("dashboard.example:8443");

        RelativeRedirects.Relative(location, request).Should().Be(relative);
    }
}
