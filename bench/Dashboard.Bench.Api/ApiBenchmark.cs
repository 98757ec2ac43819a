using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Bench.Scheduling;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Bench.Api;

// API benchmark (issue 8): submits per second through POST /api/v1/jobs with 8 concurrent clients on loopback, and
// each submit's latency (median, p99); then the same number of sbatch submissions where a Slurm cluster answers.
// Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Api [-- --submits 2000 --clients 8]
public static class ApiBenchmark
{
    public static async Task Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        if (args.Contains("--depths"))
        {
            await DepthBenchmark.RunAsync(args);
            return;
        }

        if (args.Contains("--starts"))
        {
            await StartRateBenchmark.RunAsync(args);
            return;
        }

        var submits = BenchArguments.PositiveInt(args, "--submits", 2000);
        var clients = BenchArguments.PositiveInt(args, "--clients", 8);
        const int warmUp = 200;

        BenchApp.PrintMachine();
        Console.WriteLine($"setup   : the real app on Kestrel (loopback), SQLite synchronous=FULL in a temp folder, 2 simulated nodes x 4 GPUs;");
        Console.WriteLine($"          {clients} clients (one HttpClient each, keep-alive) share one member's API token; the submit rate limit is raised");
        Console.WriteLine($"          out of the way; each submit asks for 1 GPU, 1 CPU, 1 GiB, 1 h (most wait: the queue grows to {submits + warmUp});");
        Console.WriteLine("          a submit's latency runs from sending the POST to reading its 201 (so it includes the engine's commit)");

        await using var app = new DashboardFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Api:SubmitBurst"] = "1000000",
                ["Api:SubmitsPerPeriod"] = "1000000",
                ["Logging:LogLevel:Default"] = "Warning",
            },
        };
        var address = await BenchApp.StartAsync(app);
        var token = BenchApp.TokenOf(app, "alice", "api benchmark");

        var http = Enumerable.Range(0, clients).Select(_ =>
        {
            var client = new HttpClient { BaseAddress = address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }).ToArray();

        async Task<string?> SubmitThroughApi(int client, int index)
        {
            using var response = await http[client].PostAsJsonAsync(ApiRoutes.Jobs, new JobSubmitRequest
            {
                Name = $"bench-{index}",
                Command = "sleep 3600",
                Team = "vision",
                Gpus = 1,
                Cpu = 1,
                Memory = 1,
                Walltime = "1h",
            }).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.Created ? null : $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}";
        }

        await ConcurrentSubmits.RunAsync(warmUp, clients, SubmitThroughApi);
        var api = await ConcurrentSubmits.RunAsync(submits, clients, SubmitThroughApi);
        Report("API     ", api);
        await ReportEngineAsync(http[0]);

        foreach (var client in http)
        {
            client.Dispose();
        }

        if (await SlurmSubmits.UnavailableAsync() is { } why)
        {
            Console.WriteLine($"sbatch  : {why}");
            return;
        }

        try
        {
            await ConcurrentSubmits.RunAsync(Math.Min(warmUp, 20), clients, (_, index) => SlurmSubmits.SubmitAsync(index));
            var slurm = await ConcurrentSubmits.RunAsync(submits, clients, (_, index) => SlurmSubmits.SubmitAsync(index));
            Report("sbatch  ", slurm);
        }
        finally
        {
            await SlurmSubmits.CancelAllAsync();
        }
    }

    /// <summary>Where the server's time went, from its own /metrics: scheduling passes and commits (count, mean).</summary>
    private static async Task ReportEngineAsync(HttpClient client)
    {
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));
        double Sample(string name) => text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .Sum();
        foreach (var (label, series) in new[] { ("passes", "dashboard_scheduling_pass_duration_seconds"), ("commits", "dashboard_database_commit_duration_seconds") })
        {
            var count = Sample(series + "_count");
            var mean = count > 0 ? Sample(series + "_sum") / count * 1000 : double.NaN;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  engine {label} (from /metrics, whole run incl. warm-up): {count:0}, mean {mean:0.00} ms"));
        }
    }

    private static void Report(string label, SubmitRun run)
    {
        var failed = run.Failures > 0 ? $"; {run.Failures} FAILED (first: {run.FirstFailure})" : string.Empty;
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{label}: {run.Latencies.Count} submits in {run.Elapsed.TotalSeconds:0.00} s = {run.PerSecond:0} submits/s; latency median {run.Latencies.Median:0.0} ms, p99 {run.Latencies.P99:0.0} ms, max {run.Latencies.Max:0.0} ms{failed}"));
    }
}
