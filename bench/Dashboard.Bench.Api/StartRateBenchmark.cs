using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Bench.Scheduling;
using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Bench.Api;

// Issue 19, "submit -> process started": N jobs of `true` submitted over HTTP by C concurrent clients to the real app
// whose only node is this host (real processes, the configured isolation), timed from the first submit until every
// job's process has started; then, where a local Slurm answers, the same N jobs with `sbatch --wrap true` by as many
// concurrent clients, timed from the first sbatch until Slurm says every one has started (`scontrol show job`).
// The same shape on both sides: a job counts as started when the scheduler has allocated it and recorded it running
// (the dashboard's startedAt is committed just before its process is forked; Slurm's StartTime is set by slurmctld
// before slurmd and slurmstepd launch the batch script), and a slot is free again only once the job's end has been
// recorded, so the rate covers each job's whole life. `sbatch --wrap true --cpus-per-task=1 --mem=64M` on the CI
// cluster (.ci/slurm/start.sh: 2 nodes declaring 8 CPUs and 16 GiB each on this 2-core host) runs 16 at once; the
// dashboard's node is this host (2 cores, 0.1 core each: 20 at once). Slurm runs its jobs as root in a memory cgroup
// without a sandbox or a user switch; the dashboard's run as their owner's Unix user, in bubblewrap, in cgroups.
// --warmup N (default 20) jobs first, untimed: the server's JIT keeps compiling hot paths for a few thousand jobs.
// Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Api -- --starts [--jobs 200] [--clients 8] [--warmup 20]
public static class StartRateBenchmark
{
    private const string SlurmPrefix = "bench-start-";

    /// <summary>The wall clock both sides are timed on (Slurm's start times are wall-clock times too).</summary>
    private static readonly TimeProvider Clock = TimeProvider.System;

    public static async Task RunAsync(string[] args)
    {
        var jobs = BenchArguments.PositiveInt(args, "--jobs", 200);
        var clients = BenchArguments.PositiveInt(args, "--clients", 8);
        var warmUp = BenchArguments.PositiveInt(args, "--warmup", 20);
        BenchApp.PrintMachine();
        await using var app = new DashboardFactory
        {
            LocalNode = true,
            Settings = new Dictionary<string, string>
            {
                ["Api:SubmitBurst"] = "1000000",
                ["Api:SubmitsPerPeriod"] = "1000000",
                ["Cluster:DemoNodes:Count"] = "0",
                ["Logging:LogLevel:Default"] = "Warning",
            },
        };
        var address = await BenchApp.StartAsync(app);
        var token = BenchApp.TokenOf(app, "alice", "start benchmark");
        var store = app.Services.GetRequiredService<JobStore>();
        var engine = app.Services.GetRequiredService<ClusterEngine>();
        var http = Enumerable.Range(0, clients).Select(_ => new HttpClient { BaseAddress = address, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", token) } }).ToArray();
        Console.WriteLine($"setup   : the real app on Kestrel, its only node this host ({Environment.ProcessorCount} cores; each job asks 0.1 core, 64 MiB, 0 GPUs, runs `true`);");
        Console.WriteLine($"          {clients} concurrent clients; a job counts as started when its process has started (the job's startedAt)");

        await DashboardRunAsync(http, engine, store, warmUp, clients, "warm-up");
        var dashboard = await DashboardRunAsync(http, engine, store, jobs, clients, "dashboard");
        var slurm = await SlurmSubmits.UnavailableAsync();
        if (slurm is not null)
        {
            Console.WriteLine(slurm);
        }
        else
        {
            var sbatch = await SlurmRunAsync(jobs, clients);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ratio   : dashboard / Slurm jobs started per second {dashboard / sbatch:0.0}x (goal: at least 10x)"));
        }

        foreach (var client in http)
        {
            client.Dispose();
        }
    }

    private static async Task<double> DashboardRunAsync(HttpClient[] http, ClusterEngine engine, JobStore store, int jobs, int clients, string label)
    {
        var ids = new long[jobs];
        var submitted = new DateTimeOffset[jobs];
        var first = Clock.GetUtcNow();
        var run = await ConcurrentSubmits.RunAsync(jobs, clients, async (client, index) =>
        {
            submitted[index] = Clock.GetUtcNow();
            using var response = await http[client].PostAsJsonAsync(ApiRoutes.Jobs, new JobSubmitRequest
            {
                Name = $"start-{label}-{index}",
                Command = "true",
                Team = "vision",
                Gpus = 0,
                Cpu = 0.1m,
                Memory = 0.0625m,
                Walltime = "5m",
            }).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}";
            }

            ids[index] = (await response.Content.ReadFromJsonAsync<JobView>().ConfigureAwait(false))!.Id;
            return null;
        });
        if (run.Failures > 0)
        {
            throw new InvalidOperationException($"{run.Failures} submits failed: {run.FirstFailure}");
        }

        // Wait on the engine's feed until no job of the run still waits (a publication follows its commit), then read
        // when each process started.
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await engine.Feed.WaitForAsync(u => ids.All(id => u.Snapshot.Pending.Find(new JobId(id)) is null), patience.Token).ConfigureAwait(false);
        var started = ids.Select(id => store.Find(new JobId(id))?.StartedAt).ToArray();
        if (started.Any(s => s is null))
        {
            throw new InvalidOperationException($"{started.Count(s => s is null)} jobs left the queue without starting");
        }

        return Report(label, jobs, clients, first, submitted, [.. started.Select(s => s!.Value)]);
    }

    private static async Task<double> SlurmRunAsync(int jobs, int clients)
    {
        await SlurmSubmits.CancelAllAsync().ConfigureAwait(false);
        var ids = new string[jobs];
        var submitted = new DateTimeOffset[jobs];
        var first = Clock.GetUtcNow();
        var run = await ConcurrentSubmits.RunAsync(jobs, clients, async (_, index) =>
        {
            submitted[index] = Clock.GetUtcNow();
            var (id, failure) = await SlurmSubmits.SubmitTrueAsync(SlurmPrefix + index.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            ids[index] = id;
            return failure;
        });
        if (run.Failures > 0)
        {
            throw new InvalidOperationException($"{run.Failures} sbatch submits failed: {run.FirstFailure}");
        }

        var patience = Stopwatch.StartNew();
        while (true)
        {
            var starts = await SlurmSubmits.StartTimesAsync().ConfigureAwait(false);
            var known = ids.Select(id => starts.TryGetValue(id, out var at) ? at : (DateTimeOffset?)null).ToArray();
            if (known.All(s => s is not null))
            {
                return Report("sbatch", jobs, clients, first, submitted, [.. known.Select(s => s!.Value)], note: " (Slurm's start times have 1 s resolution)");
            }

            if (patience.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException($"{known.Count(s => s is null)} Slurm jobs had not started after 10 minutes");
            }

            await Task.Delay(500).ConfigureAwait(false);
        }
    }

    private static double Report(string label, int jobs, int clients, DateTimeOffset first, DateTimeOffset[] submitted, DateTimeOffset[] started, string note = "")
    {
        var latencies = new Samples();
        for (var i = 0; i < jobs; i++)
        {
            latencies.Add(started[i] - submitted[i] < TimeSpan.Zero ? TimeSpan.Zero : started[i] - submitted[i]);
        }

        var span = started.Max() - first;
        var perSecond = jobs / Math.Max(span.TotalSeconds, 0.001);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label,-9}: {jobs} jobs, {clients} clients: first submit -> last started {span.TotalSeconds:0.00} s = {perSecond:0.0} jobs started/s; submit -> started median {latencies.Median:0} ms, p99 {latencies.P99:0} ms{note}"));
        Console.WriteLine(MachineDescription.Load());
        return perSecond;
    }
}
