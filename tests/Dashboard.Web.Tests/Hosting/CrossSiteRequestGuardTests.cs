using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Web.Hosting;
using Dashboard.Web.Tests.Api;

namespace Dashboard.Web.Tests.Hosting;

/// <summary>
/// A change through the API signed in by the browser's cookie must come from this site's pages; one from a page on
/// another origin (another port of the same host) is refused and changes nothing. Token calls are not affected.
/// </summary>
public sealed class CrossSiteRequestGuardTests(ApiHost host) : IClassFixture<ApiHost>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_cookie_cancel_from_another_origin_is_refused_and_the_job_still_runs()
    {
        var (browser, _) = await SignIn.OverSocketAsync(host.Factory, "alice");
        using var signedIn = browser;
        var job = await ApiHost.SubmitAsync(host.As("alice"), "vision", gpus: 1, name: "kept");
        var evil = $"http://127.0.0.1:{host.Address.Port + 1}";

        foreach (var headers in new[] { new[] { ("Origin", evil) }, [("Sec-Fetch-Site", "same-site"), ("Origin", evil)], [("Sec-Fetch-Site", "cross-site")], [("Origin", "null")], [] })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiRoutes.Cancel(job.Id), UriKind.Relative));
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var refused = await browser.SendAsync(request, Cancel);
            refused.StatusCode.Should().Be(HttpStatusCode.Forbidden, string.Join(", ", headers.Select(h => $"{h.Item1}: {h.Item2}")));
            (await ApiHost.ProblemOf(refused)).Title.Should().Be(CrossSiteRequestGuard.Title);
        }

        await host.EngineRoundTripAsync();
        (await ApiHost.ReadJobAsync(host.As("alice"), job.Id)).State.Should().BeOneOf("Pending", "Running");
    }

    [Fact]
    public async Task A_cookie_cancel_from_the_sites_own_page_works()
    {
        var (browser, _) = await SignIn.OverSocketAsync(host.Factory, "alice");
        using var signedIn = browser;
        var first = await ApiHost.SubmitAsync(host.As("alice"), "vision", gpus: 1, name: "by-origin");
        var second = await ApiHost.SubmitAsync(host.As("alice"), "vision", gpus: 1, name: "by-fetch-metadata");
        var own = $"http://{host.Address.Authority}";

        using var byOrigin = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiRoutes.Cancel(first.Id), UriKind.Relative));
        byOrigin.Headers.Add("Origin", own);
        using var cancelled = await browser.SendAsync(byOrigin, Cancel);
        cancelled.StatusCode.Should().Be(HttpStatusCode.OK, await cancelled.Content.ReadAsStringAsync(Cancel));

        using var byFetchMetadata = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiRoutes.Cancel(second.Id), UriKind.Relative));
        byFetchMetadata.Headers.Add("Sec-Fetch-Site", "same-origin");
        byFetchMetadata.Headers.Add("Origin", own);
        using var alsoCancelled = await browser.SendAsync(byFetchMetadata, Cancel);
        alsoCancelled.StatusCode.Should().Be(HttpStatusCode.OK);

        using var read = await browser.GetAsync(new Uri(ApiRoutes.Job(first.Id), UriKind.Relative), Cancel);
        read.StatusCode.Should().Be(HttpStatusCode.OK, "reading needs no proof of origin");
        (await read.Content.ReadFromJsonAsync<JobView>(Cancel))!.State.Should().Be("Cancelled");
    }

    [Fact]
    public async Task A_token_call_is_not_affected_whatever_its_origin_says()
    {
        var alice = host.WithToken(host.TokenOf("alice"));
        var job = await ApiHost.SubmitAsync(alice, "vision", gpus: 1, name: "token-cancel");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ApiRoutes.Cancel(job.Id), UriKind.Relative));
        request.Headers.Add("Origin", "http://elsewhere.example");

        using var cancelled = await alice.SendAsync(request, Cancel);

        cancelled.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/hubs/cluster/negotiate?negotiateVersion=1")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    public async Task A_live_connection_by_cookie_from_another_origin_is_refused(string negotiate)
    {
        var (browser, _) = await SignIn.OverSocketAsync(host.Factory, "alice");
        using var signedIn = browser;
        using var foreign = new HttpRequestMessage(HttpMethod.Post, new Uri(negotiate, UriKind.Relative));
        foreign.Headers.Add("Origin", $"http://127.0.0.1:{host.Address.Port + 1}");
        using var own = new HttpRequestMessage(HttpMethod.Post, new Uri(negotiate, UriKind.Relative));
        own.Headers.Add("Origin", $"http://{host.Address.Authority}");

        using var refused = await browser.SendAsync(foreign, Cancel);
        using var allowed = await browser.SendAsync(own, Cancel);

        refused.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
