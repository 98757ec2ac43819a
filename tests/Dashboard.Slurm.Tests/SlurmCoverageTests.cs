using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Api.Contracts;
using Dashboard.Cli;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Slurm.Tests;

/// <summary>
/// Slurm-backed jobs are jobs like any other: the API, dash, the team quotas, the what-if, the usage history and
/// /metrics all count them, read from the same places as local jobs.
/// </summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmCoverageTests(SlurmCluster cluster)
{
    [Fact]
    public async Task Slurm_jobs_count_in_the_api_dash_quotas_what_if_usage_history_and_metrics()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");
        var ended = await SlurmDashboard.SubmitAsync(alice, "echo done", gpus: 1, name: "short");
        await dashboard.WaitForAsync(SlurmDashboard.HasEnded(ended.Id), "the short job to end");
        var running = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 2, name: "long");
        var slurmId = await dashboard.SlurmJobOfAsync(running.Id);
        await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "RUNNING", "Slurm to run the long job");
        try
        {
            var node = dashboard.Engine.Feed.Current!.Snapshot.Running.Single(r => r.Job.Id.Value == running.Id).Allocation.Node;
            var otherNode = node == "node1" ? "node2" : "node1";

            // The API: the job list and the job, with where it runs.
            var list = (await alice.GetFromJsonAsync<JobPage>(new Uri(ApiRoutes.Jobs + "?state=Running", UriKind.Relative), TestContext.Current.CancellationToken))!;
            list.Items.Should().ContainSingle(j => j.Id == running.Id).Which.Allocation!.Node.Should().Be(node);
            (await SlurmDashboard.ReadJobAsync(alice, ended.Id)).State.Should().Be("Succeeded");

            // dash, through the same API.
            var environment = new Dictionary<string, string?>
            {
                [ServerAddress.ServerVariable] = dashboard.Address.ToString(),
                [ServerAddress.TokenVariable] = dashboard.TokenOf("alice"),
            };
            using var output = new StringWriter();
            using var error = new StringWriter();
            var code = await DashApp.RunAsync(["show", running.Id.ToString(CultureInfo.InvariantCulture)], new Terminal(output, error), name => environment.GetValueOrDefault(name), new FakeTimeProvider(TimeProvider.System.GetUtcNow()), cancellationToken: TestContext.Current.CancellationToken);
            code.Should().Be(0, error.ToString());
            output.ToString().Should().Contain("Running").And.Contain($"Running on: {node}");

            // The team's quota use.
            var teams = (await alice.GetFromJsonAsync<List<TeamQuotaView>>(new Uri(ApiRoutes.Teams, UriKind.Relative), TestContext.Current.CancellationToken))!;
            teams.Single(t => t.Team == "vision").Used.Gpus.Should().Be(2);

            // The what-if: eight GPUs start now only on the node the Slurm job leaves whole.
            var snapshot = dashboard.Engine.Feed.Current!.Snapshot;
            var whatIf = WhatIf.Evaluate(snapshot, new JobSpec("what-if", "alice", "vision", "true", new ResourceRequest(8, 1000, 1024)), TimeProvider.System.GetUtcNow());
            whatIf.Should().BeOfType<WhatIfOutcome.StartsNow>().Which.Node.Should().Be(otherNode);

            // The usage history: the ended job's run, as alice's.
            using (var usage = await alice.GetAsync(new Uri("/api/v1/usage/table?range=24h&group=user", UriKind.Relative), TestContext.Current.CancellationToken))
            {
                var body = await usage.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                usage.IsSuccessStatusCode.Should().BeTrue(body);
                RowsOf(JsonDocument.Parse(body).RootElement).Should().Contain(r => r.User == "alice" && r.Jobs >= 1, body);
            }

            // /metrics (a scrape from loopback): the node's allocated GPUs and the ended job.
            using var scrape = new HttpClient { BaseAddress = dashboard.Address };
            var metrics = await scrape.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
            MetricValue(metrics, "dashboard_node_gpus_allocated", $"node=\"{node}\"").Should().Be(2, metrics);
            MetricValue(metrics, "dashboard_jobs_ended_total", "state=\"succeeded\"").Should().BeGreaterThanOrEqualTo(1);
        }
        finally
        {
            await dashboard.Engine.CancelAsync(new JobId(running.Id), "alice");
            await dashboard.WaitForAsync(SlurmDashboard.HasEnded(running.Id), "the long job cancelled");
        }
    }

    private static List<(string? User, int Jobs)> RowsOf(JsonElement element)
    {
        var rows = new List<(string? User, int Jobs)>();
        if (element.ValueKind == JsonValueKind.Object)
        {
            if (element.TryGetProperty("user", out var user) && element.TryGetProperty("jobs", out var jobs) && jobs.ValueKind == JsonValueKind.Number)
            {
                rows.Add((user.ValueKind == JsonValueKind.String ? user.GetString() : null, jobs.GetInt32()));
            }

            foreach (var property in element.EnumerateObject())
            {
                rows.AddRange(RowsOf(property.Value));
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                rows.AddRange(RowsOf(item));
            }
        }

        return rows;
    }

    /// <summary>The sum of a Prometheus metric's samples whose labels include <paramref name="label"/>.</summary>
    private static double MetricValue(string metrics, string name, string label) =>
        metrics.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf('}') + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture));
}
