using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Dashboard.Web.Account;

namespace Dashboard.Web.Tests.Identity;

/// <summary>Sign-in, sign-out and the anonymous visitor, through the real pipeline (cookie, antiforgery, fallback policy).</summary>
public sealed partial class SignInFlowTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private HttpClient Browser(bool followRedirects = false)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = followRedirects });
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        return client;
    }

    [Fact]
    public async Task An_anonymous_browser_is_sent_to_sign_in_and_comes_back_where_it_was_going()
    {
        await factory.AccountsReady;
        using var browser = Browser();

        using var response = await browser.GetAsync(new Uri("/jobs", UriKind.Relative), TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().Should().Contain("/account/login").And.Contain("ReturnUrl=%2Fjobs");
    }

    [Fact]
    public async Task The_sign_in_page_lists_the_demo_accounts_and_a_wrong_password_shows_an_error_without_a_cookie()
    {
        await factory.AccountsReady;
        using var browser = Browser(followRedirects: true);

        var page = await browser.GetStringAsync(new Uri("/account/login", UriKind.Relative), TestContext.Current.CancellationToken);
        page.Should().Contain("id=\"demo-accounts\"").And.Contain("admin-demo").And.Contain("lead-demo").And.Contain("alice-demo");

        using var failed = await SignIn.PostAsync(browser, "bob", "not-bobs-password");
        var body = await failed.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        body.Should().Contain("id=\"sign-in-error\"").And.Contain("The user name or password is not right.");
        body.Should().NotContain("not-bobs-password", "a typed password is never echoed back");

        using var stillAnonymous = await browser.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        stillAnonymous.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/account/login");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_needs_the_forms_token()
    {
        using var client = await SignIn.AsAsync(factory, "lead");
        var cluster = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        cluster.Should().Contain("id=\"signed-in-user\"").And.Contain("lead · team lead");

        using (var forged = await client.PostAsync(new Uri("/account/logout", UriKind.Relative), new FormUrlEncodedContent([]), TestContext.Current.CancellationToken))
        {
            forged.StatusCode.Should().Be(HttpStatusCode.BadRequest, "a sign-out without the form's token is refused");
        }

        var token = TokenField().Match(cluster).Groups[1].Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token) });
        using var signedOut = await client.PostAsync(new Uri("/account/logout", UriKind.Relative), form, TestContext.Current.CancellationToken);
        signedOut.RequestMessage!.RequestUri!.AbsolutePath.Should().Be("/account/login");

        using var after = await client.GetAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
        after.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("/jobs?x=1", "/jobs?x=1")]
    [InlineData("/", "/")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example/steal", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    public void Only_a_local_return_address_is_followed_after_sign_in(string? returnUrl, string expected) =>
        LoginPage.LocalReturnUrl(returnUrl).Should().Be(expected);

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
