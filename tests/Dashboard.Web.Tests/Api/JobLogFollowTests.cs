using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// <c>logs?follow=true</c> answers with its status and headers at once, even for a job that never prints (one on a
/// simulated node); asked as Server-Sent Events it also sends a keep-alive comment while the job is quiet.
/// </summary>
public sealed class JobLogFollowTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_follow_of_a_quiet_job_answers_at_once_and_as_events_sends_keep_alives()
    {
        await using var host = new ApiHost(new DashboardFactory { Settings = new Dictionary<string, string> { ["Api:LogKeepAlive"] = "00:00:00.300" } });
        await host.InitializeAsync();
        var alice = host.As("alice");
        var job = await ApiHost.SubmitAsync(alice, "vision", gpus: 1, name: "quiet");
        await host.JobOnceAsync(alice, job.Id, ApiHost.IsRunning(job.Id));

        // Plain text: only the log's bytes, but the status and headers come now (the simulated job runs for 30 minutes).
        using (var plain = await alice.GetAsync(new Uri(ApiRoutes.Logs(job.Id) + "?follow=true", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, Cancel).WaitAsync(ApiHost.Patience, Cancel))
        {
            plain.StatusCode.Should().Be(HttpStatusCode.OK);
            plain.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiRoutes.Logs(job.Id) + "?follow=true", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var events = await alice.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel).WaitAsync(ApiHost.Patience, Cancel);
        events.Content.Headers.ContentType!.MediaType.Should().Be("text/event-stream");
        using var reader = new StreamReader(await events.Content.ReadAsStreamAsync(Cancel));
        var keepAlives = 0;
        while (keepAlives < 2)
        {
            var line = await reader.ReadLineAsync(Cancel).AsTask().WaitAsync(ApiHost.Patience, Cancel);
            line.Should().NotBeNull("the stream stays open while the job runs");
            if (line!.Length == 0)
            {
                continue;
            }

            line.Should().Be(": keep-alive", "a quiet job's stream carries only keep-alive comments");
            keepAlives++;
        }
    }

    [Fact]
    public async Task A_real_jobs_output_followed_as_events_is_the_log_text_and_ends_with_an_end_event()
    {
        await using var host = new ApiHost(new DashboardFactory { LocalNode = true });
        await host.InitializeAsync();
        var alice = host.As("alice");
        using var content = ApiHost.Json("""
            {"name": "talker", "command": "printf 'one\\n'; sleep 1; printf 'tw\\303\\266\\r\\n'", "team": "vision", "cpu": 0.1, "memory": 0.0625, "walltime": "5m"}
            """);
        using var submitted = await alice.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, Cancel);
        submitted.StatusCode.Should().Be(HttpStatusCode.Created, await submitted.Content.ReadAsStringAsync(Cancel));
        var id = long.Parse(submitted.Headers.Location!.ToString().Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiRoutes.Logs(id) + "?follow=true", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var events = await alice.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
        var stream = await events.Content.ReadAsStringAsync(Cancel).WaitAsync(ApiHost.Patience, Cancel);

        var frames = stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var text = new StringBuilder();
        long lastId = 0;
        foreach (var frame in frames.Where(f => f.StartsWith("event: log\n", StringComparison.Ordinal)))
        {
            var fields = frame.Split('\n');
            lastId = long.Parse(fields.Single(f => f.StartsWith("id: ", StringComparison.Ordinal))[4..], System.Globalization.CultureInfo.InvariantCulture);
            text.Append(JsonSerializer.Deserialize<string>(fields.Single(f => f.StartsWith("data: ", StringComparison.Ordinal))[6..]));
        }

        text.ToString().Should().Be("one\ntwö\r\n");
        lastId.Should().Be(Encoding.UTF8.GetByteCount("one\ntwö\r\n"), "an event's id is the byte offset to continue from");
        frames[^1].Should().Be("event: end\ndata: {}");
    }
}
