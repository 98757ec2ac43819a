using System.Globalization;
using System.Net;
using Dashboard.Api.Contracts;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>
/// The proxy under <c>/sessions/{id}/</c> against real servers on this host: the owner reaches their own; another user,
/// an anonymous request, a path that climbs out of its session (plain or encoded), a forged Host or an absolute target,
/// a batch job's id and an ended session reach nobody's server. Each server serves a page naming its owner, so a leak
/// would show in the body.
/// </summary>
public sealed class SessionProxyIsolationTests(SessionHost host) : IClassFixture<SessionHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_owner_reaches_their_sessions_server_and_the_visit_counts_as_traffic()
    {
        var session = await host.StartWebAsync("alice", "vision", "alices-page");
        var alice = await host.BrowserAsync("alice");

        var page = await alice.GetStringAsync(new Uri(session.Url, UriKind.Relative), Cancel);

        page.Should().Contain("alices-page");
        host.Endpoints.Find(new(session.Id))!.LastTraffic.Should().NotBeNull("the proxy records the owner's traffic for the idle policy");
    }

    [Fact]
    public async Task Another_user_and_an_anonymous_request_are_refused()
    {
        var session = await host.StartWebAsync("alice", "vision", "alices-secret");
        var bob = await host.BrowserAsync("bob");
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };

        using var asBob = await bob.GetAsync(new Uri(session.Url, UriKind.Relative), Cancel);
        using var asNobody = await anonymous.GetAsync(new Uri(session.Url, UriKind.Relative), Cancel);

        asBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await asBob.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-secret");
        asNobody.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await asNobody.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-secret");
    }

    [Fact]
    public async Task An_api_token_is_not_accepted_by_the_proxy()
    {
        var session = await host.StartWebAsync("alice", "vision", "alices-token-page");

        using var withToken = await host.Api.As("alice").GetAsync(new Uri(session.Url, UriKind.Relative), Cancel);

        withToken.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await withToken.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-token-page");
    }

    [Theory]
    [InlineData("/sessions/{bob}/../{alice}/")]
    [InlineData("/sessions/{bob}/..%2F{alice}/")]
    [InlineData("/sessions/{bob}/..%2f..%2fsessions%2f{alice}%2f")]
    [InlineData("/sessions/{bob}/%2e%2e/{alice}/")]
    [InlineData("/sessions/{bob}/..\\{alice}\\")]
    [InlineData("/sessions/{bob}/./../../sessions/{alice}/")]
    public async Task A_path_that_climbs_out_of_ones_own_session_is_refused(string target)
    {
        var alices = await host.StartWebAsync("alice", "vision", "alices-climb-page");
        var bobs = await host.StartWebAsync("bob", "nlp", "bobs-page");
        var cookie = await CookieOfAsync("bob");
        var path = target.Replace("{bob}", Id(bobs), StringComparison.Ordinal).Replace("{alice}", Id(alices), StringComparison.Ordinal);

        var answer = await RawHttp.SendAsync(host.Address, $"GET {path} HTTP/1.1\nHost: {host.Address.Authority}\nCookie: {cookie}\nSec-Fetch-Site: same-origin\nConnection: close\n");

        answer.Body.Should().NotContain("alices-climb-page");
        answer.Status.Should().BeOneOf(400, 403, 404);
    }

    [Fact]
    public async Task A_forged_host_header_or_an_absolute_target_never_chooses_the_destination()
    {
        var alices = await host.StartWebAsync("alice", "vision", "alices-host-page");
        var bobs = await host.StartWebAsync("bob", "nlp", "bobs-host-page");
        var alicesPort = host.Endpoints.Find(new(alices.Id))!.Port;
        var cookie = await CookieOfAsync("bob");

        var forgedHost = await RawHttp.SendAsync(host.Address, $"GET {bobs.Url} HTTP/1.1\nHost: 127.0.0.1:{alicesPort}\nCookie: {cookie}\nConnection: close\n");
        var absolute = await RawHttp.SendAsync(host.Address, $"GET http://127.0.0.1:{alicesPort}{alices.Url} HTTP/1.1\nHost: 127.0.0.1:{alicesPort}\nCookie: {cookie}\nConnection: close\n");
        var absoluteOwn = await RawHttp.SendAsync(host.Address, $"GET http://127.0.0.1:{alicesPort}{bobs.Url} HTTP/1.1\nHost: 127.0.0.1:{alicesPort}\nCookie: {cookie}\nConnection: close\n");

        forgedHost.Body.Should().NotContain("alices-host-page");
        forgedHost.Body.Should().Contain("bobs-host-page", "the destination is bob's session's own port, whatever the Host says");
        absolute.Body.Should().NotContain("alices-host-page");
        absoluteOwn.Body.Should().NotContain("alices-host-page");
        absoluteOwn.Status.Should().Be(400, "an absolute request target is refused outright");
    }

    [Fact]
    public async Task A_batch_jobs_id_and_an_ended_session_have_no_destination()
    {
        var alice = await host.BrowserAsync("alice");
        using var content = ApiHost.Json("""{"name": "batch", "command": "exec python3 -m http.server --bind 127.0.0.1 0", "team": "vision", "cpu": 0.1, "memory": 0.125, "walltime": "10m"}""");
        using var submitted = await host.Api.As("alice").PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);
        submitted.StatusCode.Should().Be(HttpStatusCode.Created);
        var batch = submitted.Headers.Location!.ToString().Split('/')[^1];
        await host.Api.JobOnceAsync(host.Api.As("alice"), long.Parse(batch, CultureInfo.InvariantCulture), ApiHost.IsRunning(long.Parse(batch, CultureInfo.InvariantCulture)));
        var ended = await host.StartWebAsync("alice", "vision", "alices-ended-page");
        using (var stop = await host.Api.As("alice").PostAsync(new Uri($"{ApiRoutes.Sessions}/{ended.Id}/stop", UriKind.Relative), null, Cancel))
        {
            stop.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        await host.UntilAsync("alice", ended.Id, s => s.Status == "ended");

        using var toBatch = await alice.GetAsync(new Uri($"/sessions/{batch}/", UriKind.Relative), Cancel);
        using var toEnded = await alice.GetAsync(new Uri(ended.Url, UriKind.Relative), Cancel);
        using var toNothing = await alice.GetAsync(new Uri("/sessions/987654321/", UriKind.Relative), Cancel);

        toBatch.StatusCode.Should().Be(HttpStatusCode.NotFound);
        toEnded.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await toEnded.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-ended-page");
        toNothing.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_change_from_another_origin_is_refused_before_it_reaches_the_server()
    {
        var session = await host.StartWebAsync("alice", "vision", "alices-post-page");
        var cookie = await CookieOfAsync("alice");

        var crossSite = await RawHttp.SendAsync(host.Address, $"POST {session.Url} HTTP/1.1\nHost: {host.Address.Authority}\nCookie: {cookie}\nOrigin: http://evil.example\nSec-Fetch-Site: cross-site\nContent-Length: 0\nConnection: close\n");

        crossSite.Status.Should().Be(403);
    }

    private static string Id(SessionView session) => session.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>The sign-in cookie of <paramref name="user"/>, as a Cookie header, for raw requests.</summary>
    private async Task<string> CookieOfAsync(string user)
    {
        var (client, cookies) = await SignIn.OverSocketAsync(host.Api.Factory, user);
        client.Dispose();
        return cookies.GetCookieHeader(host.Address);
    }
}
