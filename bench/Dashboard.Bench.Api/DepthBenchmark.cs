using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Bench.Scheduling;
using Dashboard.Data;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Metrics;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Bench.Api;

// Issue 19, "fast at any depth": on the real app with 1,000 simulated nodes x 8 GPUs and a million finished jobs in
// its database, for each queue depth (0, 2,000, 20,000, 100,000 waiting): API submits/s with 8 and 64 clients; then
// at the deepest queue: the Jobs list's first page through the API (every filter and sort), the what-if on that
// state, and how old the waiting jobs' explanations are while 200 submits a second arrive.
// Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Api -- --depths [--submits 1000] [--finished 1000000] [--nodes 1000] [--max-depth 100000] [--no-submits | --only-submits]
public static class DepthBenchmark
{
    private static readonly TimeProvider Clock = TimeProvider.System;
    private static readonly int[] Depths = [0, 2_000, 20_000, 100_000];
    private static readonly int[] ClientCounts = [8, 64];

    public static async Task RunAsync(string[] args)
    {
        var submits = BenchArguments.PositiveInt(args, "--submits", 1000);
        var finished = BenchArguments.PositiveInt(args, "--finished", 1_000_000);
        var nodes = BenchArguments.PositiveInt(args, "--nodes", 1000);
        var maxDepth = BenchArguments.PositiveInt(args, "--max-depth", 100_000);
        int[] depths = [.. Depths.Where(d => d <= maxDepth)];
        // --no-submits: fill the queue to the deepest depth without timing submits, then run the list, what-if and
        // explanation-age stages only.
        var timeSubmits = !args.Contains("--no-submits");
        // --writer-cpu: the writer measures its own thread CPU per batch, by part (WriterCpu; a system call per part).
        WriterCpu.Enabled = args.Contains("--writer-cpu");
        if (!timeSubmits)
        {
            depths = [depths[^1]];
        }

        BenchApp.PrintMachine();
        await using var app = new DashboardFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Api:SubmitBurst"] = "1000000",
                ["Api:SubmitsPerPeriod"] = "1000000",
                ["Cluster:DemoNodes:Count"] = nodes.ToString(CultureInfo.InvariantCulture),
                ["Cluster:DemoNodes:GpusPerNode"] = "8",
                // Room for every GPU in one team's quota, so the first 8-GPU job of every node starts.
                ["Teams:0:NominalGpus"] = (nodes * 8).ToString(CultureInfo.InvariantCulture),
                ["Teams:0:NominalCpuCores"] = (nodes * 64).ToString(CultureInfo.InvariantCulture),
                ["Teams:0:NominalMemoryGiB"] = (nodes * 512).ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
                // --production: the host's environment as a deployment runs it (the test factory's default is Development:
                // the developer exception page, and the service provider validating scopes on every resolution).
                ["environment"] = args.Contains("--production") ? "Production" : "Development",
            },
        };

        var seeding = Stopwatch.StartNew();
        SeedFinished(app.DataFolder, finished);
        Console.WriteLine($"setup   : {finished:N0} finished jobs written to the database in {seeding.Elapsed.TotalSeconds:0} s (FTS5 index included); {nodes:N0} simulated nodes x 8 GPUs");

        var address = await BenchApp.StartAsync(app);
        Console.WriteLine($"host    : the {app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostEnvironment>().EnvironmentName} environment (--production for Production)");
        var engine = app.Services.GetRequiredService<ClusterEngine>();
        var memberToken = BenchApp.TokenOf(app, "alice", "depth benchmark");
        var adminToken = BenchApp.TokenOf(app, "admin", "depth benchmark");
        var http = Enumerable.Range(0, 64).Select(_ => Client(address, memberToken)).ToArray();
        using var admin = Client(address, adminToken);

        // Every GPU busy first (one 8-GPU job of an hour per node), so what is submitted afterwards waits.
        await SeedAsync(engine, nodes, gpus: 8);
        var slurm = await SlurmSubmits.UnavailableAsync();
        Console.WriteLine(slurm ?? "sbatch  : a local Slurm answers: after each API run, as many sbatch submits with as many clients (its own queue grows as it goes)");
        using var readings = new EngineReadings();
        var index = 0;
        if (timeSubmits)
        {
            // Untimed: the first submits pay for the JIT, the first connections and the caches; the first timed runs
            // would carry them. Rounds of submits (8 then 64 clients), at least 8, until three in a row each cost the
            // JIT under 20 ms (at most 30): one quiet round was not enough (stop 35: a warm-up that ended after 6 rounds,
            // 6 ms of JIT in the last, was followed by 163-460 us of JIT per submit in the first timed rows, their code
            // still at tier 0). On a loaded machine the JIT's tiering up lags by many seconds and, with one round only, was counted
            // as the first timed runs' CPU (a server that has run for a few minutes has paid it; a perf profile of a
            // run that stopped at 100 ms still showed the tiering JIT thread in 24% of the samples). The warm-up's jobs
            // are then cancelled, so the first depth starts from an empty queue.
            var warmUp = Stopwatch.StartNew();
            var rounds = 0;
            var quietInARow = 0;
            TimeSpan jitInRound;
            do
            {
                var jitBefore = System.Runtime.JitInfo.GetCompilationTime();
                foreach (var clients in ClientCounts)
                {
                    await ConcurrentSubmits.RunAsync(Math.Min(submits, 500), clients, (client, _) => SubmitAsync(http[client], Interlocked.Increment(ref index)));
                }

                jitInRound = System.Runtime.JitInfo.GetCompilationTime() - jitBefore;
                rounds++;
                quietInARow = jitInRound < TimeSpan.FromMilliseconds(20) ? quietInARow + 1 : 0;
            }
            while (rounds < 30 && (rounds < 8 || quietInARow < 3));

            var cancelled = await CancelWaitingAsync(engine);
            Console.WriteLine($"warm-up : {rounds} x {2 * Math.Min(submits, 500)} API submits (8 then 64 clients) in {warmUp.Elapsed.TotalSeconds:0.0} s, not timed, the JIT {jitInRound.TotalMilliseconds:0} ms in the last round; its {cancelled} jobs cancelled");
        }

        Console.WriteLine("run     | waiting at start | clients | submits/s | median ms | p99 ms");
        foreach (var depth in depths)
        {
            await SeedAsync(engine, Math.Max(0, depth - engine.Feed.Current!.Summary.PendingJobs), gpus: 1);
            foreach (var clients in timeSubmits ? ClientCounts : [])
            {
                var waiting = engine.Feed.Current!.Summary.PendingJobs;
                var before = readings.Take();
                var writerBefore = WriterCpu.Take();
                var run = await ConcurrentSubmits.RunAsync(submits, clients, (client, _) => SubmitAsync(http[client], Interlocked.Increment(ref index)));
                var after = readings.Take();
                var writerAfter = WriterCpu.Take();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"submits | {waiting,16:N0} | {clients,7} | {run.PerSecond,9:0} | {run.Latencies.Median,9:0.0} | {run.Latencies.P99,6:0.0}{(run.Failures > 0 ? $" ({run.Failures} failed: {run.FirstFailure})" : "")}"));
                Console.WriteLine(after.Since(before, submits, run.Elapsed));
                if (WriterCpu.Enabled)
                {
                    Console.WriteLine(WriterCpuSince(writerBefore, writerAfter, submits));
                }
                if (slurm is null)
                {
                    var sbatch = await ConcurrentSubmits.RunAsync(submits, clients, (_, i) => SlurmSubmits.SubmitAsync(i));
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sbatch  | {"(Slurm's own)",16} | {clients,7} | {sbatch.PerSecond,9:0} | {sbatch.Latencies.Median,9:0.0} | {sbatch.Latencies.P99,6:0.0}{(sbatch.Failures > 0 ? $" ({sbatch.Failures} failed: {sbatch.FirstFailure})" : "")}   API / sbatch {run.PerSecond / sbatch.PerSecond:0.0}x"));
                }
            }
        }

        if (slurm is null)
        {
            await SlurmSubmits.CancelAllAsync();
        }

        // --only-submits: the submit runs alone (quick iterations on the submit path).
        if (!args.Contains("--only-submits"))
        {
            await ListPagesAsync(admin, engine.Feed.Current!.Summary.PendingJobs, finished);
            WhatIfs(engine);
            await ExplanationAgeAsync(engine, http, () => Interlocked.Increment(ref index));
        }

        foreach (var client in http)
        {
            client.Dispose();
        }
    }

    private static HttpClient Client(Uri address, string token)
    {
        var client = new HttpClient { BaseAddress = address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Cancels every waiting job straight through the engine (512 at a time); returns how many.</summary>
    private static async Task<int> CancelWaitingAsync(ClusterEngine engine)
    {
        var waiting = engine.Feed.Current!.Snapshot.Pending.AllJobs.Select(job => job.Id).ToList();
        foreach (var chunk in waiting.Chunk(512))
        {
            await Task.WhenAll(chunk.Select(id => engine.CancelAsync(id, "alice")));
        }

        return waiting.Count;
    }

    private static async Task<string?> SubmitAsync(HttpClient client, int index)
    {
        using var response = await client.PostAsJsonAsync(ApiRoutes.Jobs, new JobSubmitRequest
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

    /// <summary>Submits <paramref name="count"/> jobs straight to the engine (no HTTP), 512 at a time: the queue's depth.</summary>
    private static async Task SeedAsync(ClusterEngine engine, int count, int gpus)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 512).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var spec = new JobSpec("seed", "alice", "vision", "sleep 3600", new ResourceRequest(gpus, 1000, 1024), Walltime: TimeSpan.FromHours(1));
                var result = await engine.SubmitAsync(spec, "alice").ConfigureAwait(false);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException("seeding failed: " + result.Reason);
                }
            }
        })));
    }

    /// <summary>
    /// A million finished jobs of several owners and teams, written before the server starts (ids from 1, so the
    /// engine numbers new jobs after them); the migrations' triggers index their text.
    /// </summary>
    private static void SeedFinished(string folder, int count)
    {
        using (Database.Open(new DatabaseOptions { DataFolder = folder }, Clock))
        {
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "dashboard.db") };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        // One statement: SQLite makes the rows itself (a numbered series), far faster than a million round trips.
        insert.CommandText = FinishedJobsSeed.Sql;
        insert.Parameters.AddWithValue("$count", count);
        insert.Parameters.AddWithValue("$origin", Clock.GetUtcNow().AddDays(-365).ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
        transaction.Commit();
    }

    /// <summary>The first page of GET /api/v1/jobs as an admin (every job visible), for each filter and sort: p95 over all.</summary>
    private static async Task ListPagesAsync(HttpClient admin, int waiting, int finished)
    {
        string[] queries =
        [
            "", "sort=submitted", "sort=ended&order=asc", "sort=name", "sort=gpus&order=asc", "sort=started", "sort=owner", "sort=team&order=asc",
            "state=Pending", "state=Succeeded,Failed", "state=Running", "team=nlp", "owner=bob", "text=resnet", "text=finetune-vit",
            "state=Failed&team=vision&owner=carol", "text=sweep&sort=ended", "team=speech&sort=submitted&order=asc",
        ];
        var all = new Samples();
        var worst = (Query: "", P95: 0.0);
        foreach (var query in queries)
        {
            var samples = new Samples();
            for (var repeat = 0; repeat < 25; repeat++)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await admin.GetAsync(new Uri($"{ApiRoutes.Jobs}?mine=false&{query}", UriKind.Relative));
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"list {query}: {(int)response.StatusCode}");
                }

                if (repeat >= 5)
                {
                    samples.Add(Stopwatch.GetElapsedTime(start));
                    all.Add(Stopwatch.GetElapsedTime(start));
                }
            }

            if (samples.Percentile(95) > worst.P95)
            {
                worst = (query, samples.Percentile(95));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  list  : {(query.Length == 0 ? "(no filter)" : query),-40} median {samples.Median,7:0.0} ms, p95 {samples.Percentile(95),7:0.0} ms"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"list    : GET /api/v1/jobs first page (25), {queries.Length} filters/sorts x 20, {finished:N0} finished + {waiting:N0} waiting: median {all.Median:0.0} ms, p95 {all.Percentile(95):0.0} ms, p99 {all.P99:0.0} ms; slowest query p95 {worst.P95:0.0} ms ({(worst.Query.Length == 0 ? "no filter" : worst.Query)})"));
    }

    private static void WhatIfs(ClusterEngine engine)
    {
        var snapshot = engine.Feed.Current!.Snapshot;
        var spec = new JobSpec("what-if", "alice", "vision", "python train.py", new ResourceRequest(4, 4000, 16 * 1024), Walltime: TimeSpan.FromHours(2));
        var samples = new Samples();
        for (var repeat = 0; repeat < 45; repeat++)
        {
            var start = Stopwatch.GetTimestamp();
            _ = WhatIf.Evaluate(snapshot, spec, Clock.GetUtcNow());
            if (repeat >= 5)
            {
                samples.Add(Stopwatch.GetElapsedTime(start));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"what-if : {snapshot.Nodes.Length:N0} nodes, {snapshot.Pending.Count:N0} waiting, 40 evaluations on the published snapshot: median {samples.Median:0.0} ms, p95 {samples.Percentile(95):0.0} ms, p99 {samples.P99:0.0} ms"));
    }

    /// <summary>200 API submits a second for 15 s; every 50 ms, how old the published explanations are (their state's time to now).</summary>
    private static async Task ExplanationAgeAsync(ClusterEngine engine, HttpClient[] http, Func<int> nextIndex)
    {
        const int rate = 200;
        var duration = TimeSpan.FromSeconds(15);
        var total = (int)(rate * duration.TotalSeconds);
        var ages = new Samples();
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (engine.Feed.Current?.ExplanationsAsOf is { } asOf)
                {
                    ages.Add(Clock.GetUtcNow() - asOf);
                }

                await Task.Delay(50, CancellationToken.None);
            }
        });
        var started = Stopwatch.GetTimestamp();
        var next = -1;
        var failures = 0;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total)
            {
                var due = TimeSpan.FromSeconds(i / (double)rate) - Stopwatch.GetElapsedTime(started);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due);
                }

                if (await SubmitAsync(http[worker], nextIndex()) is not null)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        var elapsed = Stopwatch.GetElapsedTime(started);
        await stop.CancelAsync();
        await sampler;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"explain : {total} submits at {rate}/s offered ({total / elapsed.TotalSeconds:0}/s done, {failures} failed), {engine.Feed.Current!.Summary.PendingJobs:N0} waiting: explanation age median {ages.Median:0} ms, p95 {ages.Percentile(95):0} ms, p99 {ages.P99:0} ms, max {ages.Max:0} ms ({ages.Count} samples)"));
    }

    /// <summary>One line: the writer's thread CPU per batch, by part, between two readings of <see cref="WriterCpu"/>.</summary>
    private static string WriterCpuSince((long Batches, long[] Nanoseconds) before, (long Batches, long[] Nanoseconds) after, int submits)
    {
        var batches = Math.Max(1, after.Batches - before.Batches);
        var parts = Enum.GetValues<WriterCpu.Part>().Select((part, i) => (part, Us: (after.Nanoseconds[i] - before.Nanoseconds[i]) / 1000.0 / batches)).ToList();
        var total = parts.Sum(p => p.Us);
        return string.Create(CultureInfo.InvariantCulture, $"          writer thread CPU: {after.Batches - before.Batches} batches, {total:0} us each ({total * batches / submits:0} us per submit): ")
            + string.Join(", ", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.part} {p.Us:0}")));
    }
}
