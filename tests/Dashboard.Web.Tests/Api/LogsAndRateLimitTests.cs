using System.Net;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>A real job's output read and followed through the API; and the per-user submit rate limit.</summary>
public sealed class LogsAndRateLimitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Logs_of_a_real_job_are_read_from_an_offset_and_followed_until_the_job_ends()
    {
        await using var host = new ApiHost(new DashboardFactory { LocalNode = true });
        await host.InitializeAsync();
        var alice = host.As("alice");
        using var content = ApiHost.Json("""
            {"name": "talker", "command": "printf 'one\\ntwo\\n'; sleep 1; printf 'three\\n'", "team": "vision", "cpu": 0.1, "memory": 0.0625, "walltime": "5m"}
            """);
        using var submitted = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);
        submitted.StatusCode.Should().Be(HttpStatusCode.Created);
        var id = long.Parse(submitted.Headers.Location!.ToString().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);

        // Follow from the start: the answer stays open while the job sleeps and ends when it has ended.
        using var follow = await alice.GetAsync(new Uri(ApiRoutes.Logs(id) + "?follow=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancel);
        follow.StatusCode.Should().Be(HttpStatusCode.OK);
        follow.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var followed = await follow.Content.ReadAsStringAsync(Cancel).WaitAsync(ApiHost.Patience, Cancel);
        followed.Should().Be("one\ntwo\nthree\n");

        var job = await host.JobOnceAsync(alice, id, ApiHost.HasEnded(id));
        job.State.Should().Be("Succeeded");
        job.Allocation!.Node.Should().Be(DashboardFactory.LocalNodeName);
        job.ExitCode.Should().Be(0);
        using var all = await alice.GetAsync(new Uri(ApiRoutes.Logs(id), UriKind.Relative), Cancel);
        (await all.Content.ReadAsStringAsync(Cancel)).Should().Be("one\ntwo\nthree\n");
        all.Headers.GetValues(ApiRoutes.LogOffsetHeader).Single().Should().Be("14");
        using var rest = await alice.GetAsync(new Uri(ApiRoutes.Logs(id) + "?offset=4", UriKind.Relative), Cancel);
        (await rest.Content.ReadAsStringAsync(Cancel)).Should().Be("two\nthree\n");
        using var past = await alice.GetAsync(new Uri(ApiRoutes.Logs(id) + "?offset=999", UriKind.Relative), Cancel);
        past.StatusCode.Should().Be(HttpStatusCode.RequestedRangeNotSatisfiable);
        using var negative = await alice.GetAsync(new Uri(ApiRoutes.Logs(id) + "?offset=-1", UriKind.Relative), Cancel);
        negative.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ApiHost.ProblemOf(negative)).Errors.Should().ContainKey("offset");
    }

    [Fact]
    public async Task Submits_beyond_the_per_user_limit_get_429_with_retry_after_and_other_users_are_not_affected()
    {
        await using var host = new ApiHost(new DashboardFactory
        {
            Settings = new Dictionary<string, string> { ["Api:SubmitBurst"] = "2", ["Api:SubmitsPerPeriod"] = "1", ["Api:SubmitPeriod"] = "01:00:00" },
        });
        await host.InitializeAsync();
        var alice = host.As("alice");
        await ApiHost.SubmitAsync(alice, "vision", name: "one");
        await ApiHost.SubmitAsync(alice, "vision", name: "two");

        using var content = ApiHost.Json(ApiHost.SubmitJson("vision", name: "three"));
        using var limited = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);

        limited.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        limited.Headers.RetryAfter!.Delta!.Value.Should().BePositive();
        (await ApiHost.ProblemOf(limited)).Detail.Should().Contain("Nothing was submitted");
        await ApiHost.SubmitAsync(host.As("bob"), "nlp", name: "bobs");
        using var list = await alice.GetAsync(new Uri(ApiRoutes.Jobs + "?text=three", UriKind.Relative), Cancel);
        (await list.Content.ReadAsStringAsync(Cancel)).Should().Contain("\"total\":0");
    }
}
