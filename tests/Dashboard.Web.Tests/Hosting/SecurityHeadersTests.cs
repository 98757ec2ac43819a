using System.Net;
using Dashboard.Api.Contracts;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>The headers every answer carries, the pages' Content-Security-Policy, and HSTS and Secure cookies under HTTPS.</summary>
public sealed class SecurityHeadersTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_answer_says_nosniff_and_a_referrer_policy_and_pages_get_a_policy_without_unsafe_eval()
    {
        var (browser, _) = await SignIn.OverSocketAsync(host.Factory, "alice");
        using var signedIn = browser;
        var api = host.As("alice");
        var anonymous = host.As("");
        (HttpClient Client, string Path)[] answers =
        [
            (browser, "/"), (browser, "/jobs"), (browser, "/app.css"), (browser, "/_framework/blazor.web.js"), (anonymous, "/account/login"),
            (api, ApiRoutes.Jobs), (api, "/api/v1/no-such-thing"), (anonymous, ApiRoutes.Jobs), (anonymous, "/healthz"),
        ];

        foreach (var (client, path) in answers)
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
            response.Headers.GetValues("X-Content-Type-Options").Should().Equal(["nosniff"], path);
            response.Headers.GetValues("Referrer-Policy").Should().Equal([SecurityHeaders.ReferrerPolicy], path);
            response.Headers.GetValues("X-Frame-Options").Should().Equal(["DENY"], path);
        }

        using var page = await browser.GetAsync(new Uri("/", UriKind.Relative), Cancel);
        page.StatusCode.Should().Be(HttpStatusCode.OK);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        policy.Should().Be(SecurityHeaders.ContentSecurityPolicy);
        policy.Should().Contain("script-src 'self';").And.Contain("frame-ancestors 'none'").And.NotContain("unsafe-eval");
        policy.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)).Should().NotContain("unsafe-inline", "scripts come only from this origin's files");
    }

    [Fact]
    public async Task Under_https_from_a_local_proxy_the_answer_sends_hsts_and_every_cookie_is_secure()
    {
        var login = new Uri(host.Address, "/account/login");
        var plain = await RawHttp.SendAsync(host.Address, $"GET /account/login HTTP/1.1\nHost: dashboard.example\nConnection: close\n");
        plain.Status.Should().Be(200);
        plain.Header("Strict-Transport-Security").Should().BeNull("HSTS is only for HTTPS answers");
        plain.Header("Set-Cookie").Should().NotContain("secure");

        var https = await RawHttp.SendAsync(host.Address, $"GET /account/login HTTP/1.1\nHost: dashboard.example\nX-Forwarded-Proto: https\nConnection: close\n");
        https.Status.Should().Be(200);
        https.Header("Strict-Transport-Security").Should().StartWith("max-age=");
        var antiforgery = https.Header("Set-Cookie")!;
        antiforgery.Should().Contain("secure", "the form's antiforgery cookie is Secure under HTTPS");

        // Signing in over "HTTPS": the sign-in cookie is Secure too.
        var token = System.Text.RegularExpressions.Regex.Match(https.Body, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var cookie = antiforgery.Split(';')[0];
        var form = $"_handler=sign-in&__RequestVerificationToken={Uri.EscapeDataString(WebUtility.HtmlDecode(token))}&Input.Name=alice&Input.Password={Uri.EscapeDataString(SignIn.PasswordOf("alice"))}";
        var signedIn = await RawHttp.SendAsync(host.Address,
            $"POST /account/login HTTP/1.1\nHost: dashboard.example\nX-Forwarded-Proto: https\nCookie: {cookie}\nContent-Type: application/x-www-form-urlencoded\nContent-Length: {form.Length}\nConnection: close\n\n{form}");
        signedIn.Status.Should().Be(302, signedIn.Body);
        signedIn.Header("Set-Cookie").Should().Contain("dashboard.auth=").And.Contain("secure");
        login.Should().NotBeNull();
    }
}
