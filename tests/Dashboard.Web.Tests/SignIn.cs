using System.Net;
using System.Text.RegularExpressions;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Tests;

/// <summary>Signs a client in the way a browser does: the sign-in page's form, with its antiforgery token, posted back.</summary>
public static partial class SignIn
{
    public static string PasswordOf(string user) => DemoAccounts.All.Single(a => a.Name == user).Password;

    /// <summary>Posts the sign-in form; the client keeps the cookie it gets. Returns the final response (after redirects).</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string user, string password)
    {
        var cancel = TestContext.Current.CancellationToken;
        var page = await client.GetStringAsync(new Uri("/account/login", UriKind.Relative), cancel);
        var token = TokenField().Match(page);
        token.Success.Should().BeTrue("the sign-in form carries an antiforgery token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sign-in",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
            ["Input.Name"] = user,
            ["Input.Password"] = password,
        });
        return await client.PostAsync(new Uri("/account/login", UriKind.Relative), form, cancel);
    }

    /// <summary>A client of <paramref name="factory"/> signed in as one of the demo accounts.</summary>
    public static async Task<HttpClient> AsAsync(DashboardFactory factory, string user)
    {
        await factory.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var client = factory.CreateClient();
        using var response = await PostAsync(client, user, PasswordOf(user));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.RequestMessage!.RequestUri!.AbsolutePath.Should().NotBe("/account/login", $"{user} signs in with the demo password");
        return client;
    }

    /// <summary>
    /// For a factory on a real Kestrel socket: a client with a cookie container of its own, signed in as
    /// <paramref name="user"/>; the container also serves other clients of the same user (a SignalR connection).
    /// </summary>
    public static async Task<(HttpClient Client, CookieContainer Cookies)> OverSocketAsync(DashboardFactory factory, string user)
    {
        await factory.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Uri address;
        using (var probe = factory.CreateClient())
        {
            address = probe.BaseAddress!;
        }

        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = address };
        using var response = await PostAsync(client, user, PasswordOf(user));
        response.RequestMessage!.RequestUri!.AbsolutePath.Should().NotBe("/account/login", $"{user} signs in with the demo password");
        return (client, cookies);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
