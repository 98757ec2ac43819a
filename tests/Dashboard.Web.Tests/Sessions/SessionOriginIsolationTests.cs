using System.Globalization;
using System.Net;
using Dashboard.Api.Contracts;
using Dashboard.Web.Sessions;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>A session host whose sessions each have an origin of their own (Sessions:OriginTemplate).</summary>
public sealed class SessionOriginHost()
    : SessionHost(null, new Dictionary<string, string> { ["Sessions:OriginTemplate"] = "http://s{id}.localhost:{port}" });

/// <summary>
/// A separate origin per session, against real servers on this host (requests carry the session origin's Host, as a
/// browser resolving s{id}.localhost to loopback sends them): the dashboard hands the owner a one-time token in a
/// redirect; the session's origin takes it once for a host-only cookie of that session only. A replayed token, a token
/// for another session, another user, session A's cookie on session B's origin, the dashboard's cookie on a session
/// origin and a session's cookie on the dashboard reach nobody's server.
/// </summary>
public sealed class SessionOriginIsolationTests(SessionOriginHost host) : IClassFixture<SessionOriginHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_owner_is_taken_to_the_sessions_own_origin_with_a_one_time_token_and_a_host_only_cookie()
    {
        var session = await host.StartWebAsync("alice", "vision", "alices-origin-page");
        var dashboardCookie = await DashboardCookieAsync("alice");

        using var redirect = await SendAsync(session.Url, null, dashboardCookie);
        redirect.StatusCode.Should().Be(HttpStatusCode.Redirect);
        var target = redirect.Headers.Location!;
        target.Authority.Should().Be($"s{session.Id}.localhost:{host.Address.Port}");
        target.AbsolutePath.Should().Be(SessionOrigins.AuthPath);
        (await redirect.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-origin-page");

        using var taken = await SendAsync(target.PathAndQuery, OriginOf(session.Id), null);
        taken.StatusCode.Should().Be(HttpStatusCode.Redirect);
        taken.Headers.Location!.OriginalString.Should().Be(session.Url);
        var setCookie = taken.Headers.GetValues("Set-Cookie").Single();
        setCookie.Should().StartWith(SessionOrigins.CookieName + "=").And.Contain("httponly").And.Contain("samesite=lax").And.NotContain("domain=", "the cookie is host-only");
        var sessionCookie = setCookie.Split(';')[0];

        using var page = await SendAsync(session.Url, OriginOf(session.Id), sessionCookie);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync(Cancel)).Should().Contain("alices-origin-page");

        using var replayed = await SendAsync(target.PathAndQuery, OriginOf(session.Id), null);
        replayed.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a token is taken once");
        replayed.Headers.Contains("Set-Cookie").Should().BeFalse();
    }

    [Fact]
    public async Task A_token_for_another_session_another_user_and_another_sessions_cookie_are_refused()
    {
        var first = await host.StartWebAsync("alice", "vision", "alices-first");
        var second = await host.StartWebAsync("alice", "vision", "alices-second");
        var alice = await DashboardCookieAsync("alice");
        var bob = await DashboardCookieAsync("bob");

        using var forFirst = await SendAsync(first.Url, null, alice);
        using var elsewhere = await SendAsync(forFirst.Headers.Location!.PathAndQuery, OriginOf(second.Id), null);
        using var thenHome = await SendAsync(forFirst.Headers.Location!.PathAndQuery, OriginOf(first.Id), null);
        using var asBob = await SendAsync(first.Url, null, bob);

        elsewhere.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a token opens only the session it was made for");
        thenHome.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a token tried elsewhere is used up");
        asBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        asBob.Headers.Location.Should().BeNull("bob gets no token");

        var firstCookie = await SessionCookieAsync(first, alice);
        using var crossed = await SendAsync(second.Url, OriginOf(second.Id), firstCookie);
        using var wrongPath = await SendAsync(second.Url, OriginOf(first.Id), firstCookie);
        crossed.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "session A's cookie does not open session B on B's origin");
        wrongPath.StatusCode.Should().Be(HttpStatusCode.NotFound, "A's origin serves A only");
        (await crossed.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-second");
        (await wrongPath.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-second");
    }

    [Fact]
    public async Task The_dashboards_cookie_does_nothing_on_a_session_origin_and_a_session_cookie_nothing_on_the_dashboard()
    {
        var session = await host.StartWebAsync("alice", "vision", "alices-cookie-page");
        var alice = await DashboardCookieAsync("alice");
        var sessionCookie = await SessionCookieAsync(session, alice);

        using var dashboardCookieThere = await SendAsync(session.Url, OriginOf(session.Id), alice);
        using var dashboardPageThere = await SendAsync("/jobs", OriginOf(session.Id), alice);
        using var sessionCookieHere = await SendAsync(session.Url, null, sessionCookie);
        using var dashboardWithSessionCookie = await SendAsync("/api/v1/me", null, sessionCookie);

        dashboardCookieThere.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await dashboardCookieThere.Content.ReadAsStringAsync(Cancel)).Should().NotContain("alices-cookie-page");
        dashboardPageThere.StatusCode.Should().Be(HttpStatusCode.NotFound, "a session origin serves none of the dashboard's pages");
        sessionCookieHere.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        dashboardWithSessionCookie.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private string OriginOf(long id) => $"s{id.ToString(CultureInfo.InvariantCulture)}.localhost:{host.Address.Port}";

    private async Task<string> DashboardCookieAsync(string user)
    {
        var (_, cookies) = await SignIn.OverSocketAsync(host.Api.Factory, user);
        return cookies.GetCookieHeader(host.Address);
    }

    private async Task<string> SessionCookieAsync(SessionView session, string dashboardCookie)
    {
        using var redirect = await SendAsync(session.Url, null, dashboardCookie);
        using var taken = await SendAsync(redirect.Headers.Location!.PathAndQuery, OriginOf(session.Id), null);
        return taken.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
    }

    /// <summary>One request to this host, as a browser sends it: to <paramref name="hostHeader"/> (null: the dashboard's own), with <paramref name="cookie"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, string? hostHeader, string? cookie)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = host.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(pathAndQuery, UriKind.Relative));
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");
        if (hostHeader is not null)
        {
            request.Headers.Host = hostHeader;
        }

        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        return await client.SendAsync(request, Cancel);
    }
}
