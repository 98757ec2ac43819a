using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;

namespace Dashboard.Web.Tests.Api;

/// <summary>Resubmit-failed on a sweep of real processes: only the jobs that failed are submitted again, by someone who may.</summary>
public sealed class SweepResubmitApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Resubmitting_a_sweeps_failed_jobs_submits_exactly_those_again_with_their_values()
    {
        await using var host = new ApiHost(new DashboardFactory { LocalNode = true, Settings = new Dictionary<string, string> { ["Cluster:DemoNodes:Enabled"] = "false" } });
        await host.InitializeAsync();
        var alice = host.As("alice");
        var sweep = await SubmitSweepAsync(alice, "flaky", "test \\\"$SEED\\\" != 2", "seed=[1,2,3]");
        foreach (var job in sweep.Jobs)
        {
            await WaitForEndAsync(alice, job);
        }

        var ended = (await alice.GetFromJsonAsync<SweepView>(SweepRoutes.Sweep(sweep.Id), Cancel))!;
        ended.Progress.Should().Be("2/3 done, 1 failed");
        var failed = await ApiHost.ReadJobAsync(alice, sweep.Jobs[1]);
        failed.State.Should().Be("Failed");

        using (var byBob = await host.As("bob").PostAsync(new Uri(SweepRoutes.Action(sweep.Id, SweepRoutes.ResubmitFailedAction), UriKind.Relative), null, Cancel))
        {
            byBob.StatusCode.Should().Be(HttpStatusCode.Forbidden, "bob may not even see alice's sweep");
        }

        using var resubmitted = await alice.PostAsync(new Uri(SweepRoutes.Action(sweep.Id, SweepRoutes.ResubmitFailedAction), UriKind.Relative), null, Cancel);
        resubmitted.StatusCode.Should().Be(HttpStatusCode.OK, await resubmitted.Content.ReadAsStringAsync(Cancel));
        var message = (await resubmitted.Content.ReadFromJsonAsync<SweepActionResult>(Cancel))!.Message;
        var again = long.Parse(message.Split(' ')[^1].TrimEnd('.'), System.Globalization.CultureInfo.InvariantCulture);
        message.Should().Be($"Sweep {sweep.Id}: 1 failed job of sweep {sweep.Id} resubmitted as {again}.");
        again.Should().BeGreaterThan(sweep.Jobs[^1]);
        var copy = await ApiHost.ReadJobAsync(alice, again);
        copy.Name.Should().Be("flaky[1]");
        copy.Command.Should().Be(failed.Command, "the copy keeps the failed job's sweep values");
        copy.Owner.Should().Be("alice");

        // The new attempt joins the sweep at index 1 and replaces the failure in its progress: it fails again here
        // (its seed is still 2), so the sweep reads one failure, not two.
        var joined = (await alice.GetFromJsonAsync<SweepView>(SweepRoutes.Sweep(sweep.Id), Cancel))!;
        joined.Jobs.Should().Equal([sweep.Jobs[0], sweep.Jobs[1], again, sweep.Jobs[2]], "the new attempt is listed after the one it replaces");
        var listed = (await alice.GetFromJsonAsync<JobPage>(new Uri($"{ApiRoutes.Jobs}?sweep={sweep.Id}&order=asc", UriKind.Relative), Cancel))!;
        listed.Items.Select(j => j.Id).Should().Equal([.. sweep.Jobs, again]);
        await WaitForEndAsync(alice, again);
        (await alice.GetFromJsonAsync<SweepView>(SweepRoutes.Sweep(sweep.Id), Cancel))!.Progress.Should().Be("2/3 done, 1 failed", "the new attempt's failure replaces the first");

        var clean = await SubmitSweepAsync(alice, "clean", "true", "seed=[1]");
        await WaitForEndAsync(alice, clean.Jobs[0]);
        using var nothing = await alice.PostAsync(new Uri(SweepRoutes.Action(clean.Id, SweepRoutes.ResubmitFailedAction), UriKind.Relative), null, Cancel);
        nothing.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await nothing.Content.ReadAsStringAsync(Cancel)).Should().Contain($"sweep {clean.Id} has no failed job to resubmit");
    }

    private static async Task<SweepView> SubmitSweepAsync(HttpClient client, string name, string command, string grid)
    {
        using var content = ApiHost.Json($$"""{"name": "{{name}}", "command": "{{command}}", "team": "vision", "cpu": 0.1, "memory": 0.0625, "walltime": "5m"}""");
        using var created = await client.PostAsync(new Uri(SweepRoutes.Submit(grid, null), UriKind.Relative), content, Cancel);
        created.StatusCode.Should().Be(HttpStatusCode.Created, await created.Content.ReadAsStringAsync(Cancel));
        return (await created.Content.ReadFromJsonAsync<SweepView>(Cancel))!;
    }

    /// <summary>Follows the job's log, which the server ends when the job has ended.</summary>
    private static async Task WaitForEndAsync(HttpClient client, long job)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ApiRoutes.Logs(job) + "?follow=true", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var events = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
        var stream = await events.Content.ReadAsStringAsync(Cancel).WaitAsync(ApiHost.Patience, Cancel);
        stream.Should().Contain("event: end");
    }
}
