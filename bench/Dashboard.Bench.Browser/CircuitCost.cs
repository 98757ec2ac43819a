using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dashboard.Bench.Scheduling;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

// Issue 19, what a circuit costs the server at depth: the real app on Kestrel with 1,000 simulated nodes x 8 GPUs, every
// GPU held and 100,000 jobs waiting (through the engine); N pages of Debian's Chromium signed in on the Cluster page
// (real Blazor circuits over SignalR). Prints the managed heap each idle circuit adds (CircuitMemory: full, compacting
// collections with the pages on a page without a circuit and on the Cluster page, beside a control stretch), then the server's CPU per circuit per update: states that differ by one node's
// eight GPUs are published to the feed every 100 ms (the engine is idle meanwhile: its explanations are refreshed only
// hourly here), and the process's CPU during those updates, less its CPU over an idle stretch as long,
// is measured with no Cluster page open and with N + 1 circuits (CircuitMemory's warm-up page too); the difference is divided by circuits x updates. Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Browser -- --circuits [--pages 20] [--nodes 1000] [--pending 100000] [--updates 100] [--far]
// --far: the node that changes is the last one, outside every page's heat-map window (the pages show the first rows):
// at 1,000 nodes most changes are such, where the default changes a node in view.
public static class CircuitCost
{
    private const int Rounds = 5;
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync(string[] args)
    {
        var pages = BenchArguments.PositiveInt(args, "--pages", 20);
        var nodes = BenchArguments.PositiveInt(args, "--nodes", 1000);
        var pending = BenchArguments.PositiveInt(args, "--pending", 100_000);
        var updates = BenchArguments.PositiveInt(args, "--updates", 200);
        var dumps = BenchArguments.Text(args, "--heapdump");
        var far = args.Contains("--far");
        var counters = args.Contains("--counters"); // also count allocations, thread-pool work items and context switches per circuit per update
        foreach (var line in MachineDescription.Lines())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(MachineDescription.Load());
        await using var app = new DashboardFactory
        {
            Settings = new Dictionary<string, string>
            {
                ["Cluster:DemoNodes:Count"] = nodes.ToString(CultureInfo.InvariantCulture),
                ["Cluster:DemoNodes:GpusPerNode"] = "8",
                ["Engine:ExplainInterval"] = "01:00:00",
                // Room for every GPU in one team's quota, so the seeding's 8-GPU jobs hold every node.
                ["Teams:0:NominalGpus"] = (nodes * 8).ToString(CultureInfo.InvariantCulture),
                ["Teams:0:NominalCpuCores"] = (nodes * 64).ToString(CultureInfo.InvariantCulture),
                ["Teams:0:NominalMemoryGiB"] = (nodes * 512).ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Warning",
            },
        };
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        await app.Services.GetRequiredService<EngineLoop>().Started;
        await app.AccountsReady;
        var engine = app.Services.GetRequiredService<ClusterEngine>();
        var seeding = Stopwatch.StartNew();
        await SeedAsync(engine, nodes, gpus: 8);
        await SeedAsync(engine, pending, gpus: 1);
        await engine.Feed.WaitForAsync(u => u.Summary.PendingJobs >= pending && u.ExplanationsVersion > 0);
        var state = engine.Feed.Current!;
        Console.WriteLine($"setup   : {state.Snapshot.Nodes.Length:N0} nodes x 8 GPUs, {state.Summary.RunningJobs:N0} running, {state.Summary.PendingJobs:N0} waiting, seeded in {seeding.Elapsed.TotalSeconds:0} s");

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserBenchmark.LaunchAsync(playwright, BrowserBenchmark.Chromium());
        // The bench's own page scripts (Playwright's waits) are not the app's: its content security policy is set aside.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BypassCSP = true });
        context.SetDefaultTimeout(120_000);
        var login = await context.NewPageAsync();
        await login.GotoAsync(new Uri(address, "account/login").ToString());
        await login.FillAsync("#user-name", "admin");
        await login.FillAsync("#password", DemoAccounts.All.Single(a => a.Name == "admin").Password);
        await login.ClickAsync("#sign-in");
        await login.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await login.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await login.GotoAsync(new Uri(address, "account/tokens").ToString()); // this page's circuit is not on the Cluster page, and stays open in every figure

        // Two states that differ by one node's GPUs, published alternately with new versions, first with no Cluster page
        // open (what an update costs the process whoever watches: the feed, the shared views) and then with the circuits;
        // the difference per circuit and update is a watcher's cost. Each stretch of updates is measured beside an idle
        // stretch as long, and the idle one taken off it (the engine's ticks, timers).
        var full = state.Snapshot;
        var changing = far ? full.Running.Select((r, i) => (r.Allocation.Node, i)).Last(x => x.Node == full.Nodes[^1].Name).i : 0;
        var freed = full with { Running = full.Running.RemoveAt(changing) };
        var (fullSummary, freedSummary) = (ClusterSummary.Of(full), ClusterSummary.Of(freed));
        var version = state.Version;
        var sent = 0;
        async Task<TimeSpan> UpdatesAsync()
        {
            var perRound = Math.Max(1, updates / Rounds);
            var stretch = Period * perRound;
            var (busy, idle) = (TimeSpan.Zero, TimeSpan.Zero);
            for (var round = 0; round < Rounds; round++)
            {
                var idleBefore = Process.GetCurrentProcess().TotalProcessorTime;
                await Task.Delay(stretch);
                idle += Process.GetCurrentProcess().TotalProcessorTime - idleBefore;

                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var started = Stopwatch.GetTimestamp();
                for (var i = 0; i < perRound; i++)
                {
                    var isFull = sent++ % 2 != 0;
                    engine.Feed.Publish(state with { Version = ++version, At = state.At + (Period * sent), Snapshot = isFull ? full : freed, Summary = isFull ? fullSummary : freedSummary, Events = [] });
                    var due = (Period * (i + 1)) - Stopwatch.GetElapsedTime(started);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due);
                    }
                }

                busy += Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            }

            return busy - idle;
        }

        await UpdatesAsync(); // warm-up: the publication paths compiled before either measure
        sent = 0;
        var countedWithout = UpdateCounters.Now();
        var withoutCircuits = await UpdatesAsync();
        countedWithout = UpdateCounters.Now() - countedWithout;
        var updatesSent = sent;

        // Memory per idle circuit (CircuitMemory): the N pages, and one Cluster page opened first, stay open for the CPU measure.
        var (memory, open) = await CircuitMemory.MeasureAsync(app.Services, context, address, pages, dumps);
        var circuits = open.Count;
        sent = 0;
        var countedWith = UpdateCounters.Now();
        var withCircuits = await UpdatesAsync();
        countedWith = UpdateCounters.Now() - countedWith;
        foreach (var line in CircuitMemory.Describe(memory, nodes, state.Summary.PendingJobs))
        {
            Console.WriteLine(line);
        }

        var perCircuit = (withCircuits - withoutCircuits).TotalMilliseconds / (circuits * (double)updatesSent);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu     : {updatesSent} updates (one node's 8 GPUs change, one per {Period.TotalMilliseconds:0} ms) in {Rounds} rounds, each less an idle stretch as long: process CPU {withoutCircuits.TotalMilliseconds:0} ms with no circuit open (the feed's own work, {withoutCircuits.TotalMilliseconds / updatesSent:0.000} ms per update), {withCircuits.TotalMilliseconds:0} ms with {circuits} circuits -> {perCircuit:0.000} ms per circuit per update  target <= 0.3 ms"));

        if (counters)
        {
            Console.WriteLine(UpdateCounters.Describe(countedWithout, countedWith, circuits * (double)updatesSent));
        }

        // Every update reached the pages: the last one (the full state) is drawn, and the next (the freed node) is too
        // (in the heat map, or with --far in the app bar's GPU total).
        var allocated = far ? "parseInt(document.querySelector(\"[data-total='gpus']\").textContent)" : "document.querySelectorAll('#heat-map .heat-cell.allocated').length";
        var before = await open[^1].EvaluateAsync<int>(allocated);
        engine.Feed.Publish(state with { Version = ++version, Snapshot = freed, Summary = ClusterSummary.Of(freed), Events = [] });
        await open[^1].WaitForFunctionAsync($"{allocated} < {before}");
        var rows = await open[0].EvaluateAsync<int>("document.querySelectorAll('#heat-map .heat-row').length");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check   : the last page drew {before} {(far ? "GPUs used in the app bar" : "allocated cells")}, then fewer after one more update; the first page draws {rows} heat-map rows (virtualised); {MachineDescription.Load()}"));
    }

    /// <summary>Submits <paramref name="count"/> jobs straight to the engine (no HTTP), 512 at a time.</summary>
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
}
