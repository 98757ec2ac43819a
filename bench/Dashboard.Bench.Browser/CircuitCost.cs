using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dashboard.Bench.Scheduling;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

// Issue 19, what a circuit costs the server at depth: the real app on Kestrel with 1,000 simulated nodes x 8 GPUs, every
// GPU held and 100,000 jobs waiting (through the engine); N pages of Debian's Chromium signed in on the Cluster page
// (real Blazor circuits over SignalR). Prints the managed heap each idle circuit adds (CircuitMemory: full, compacting
// collections with the pages on a page without a circuit and on the Cluster page, beside a control stretch), then the server's CPU per circuit per update: states that differ by one node's
// eight GPUs are published to the feed every 100 ms (the engine is idle meanwhile: its explanations are refreshed only
// hourly here), and the process's CPU during those updates, less its CPU over an idle stretch as long,
// is measured with no Cluster page open and with N + 1 circuits (CircuitMemory's warm-up page too); the difference is divided by circuits x updates.
//
// The process hosts the server and the bench's Playwright client. Until 2026-12-07 (cpu19e) the CPU figure was taken
// with Playwright connected, and so also counted Playwright's work in this process: its driver sends the client one
// event (a JSON message over the driver's pipe, parsed here) for every WebSocket frame of every page, whether or not
// anyone listens (PageDispatcher wraps every WebSocket in a WebSocketDispatcher that dispatches "frameSent" and
// "frameReceived", binary payloads base64): per circuit per update one render batch to the browser and one
// acknowledgement from it, ~2 events, ~11 KB allocated here (7 KB --far) and ~1.2 thread-pool work items, more than
// the server's own ~8-9 KB (3 KB --far) per circuit per update. Now Chromium is
// launched by the bench (CdpChromium) and driven over CDP; for each CPU stretch, with and without circuits, Playwright is
// disconnected entirely (the browser connection closed and its driver ended; the pages stay open and every circuit
// connected: both are checked) and connected again afterwards. "cpu" is that, the server's CPU only; "former" is the
// same stretches with Playwright connected, the former measure, printed beside it; with --frames, "frames" counts the
// WebSocket frames per circuit per update (while connected; the counting itself then adds to "former"); "acks" is the
// server's count of the render batches the browsers acknowledged per circuit per update in both (RenderAcks), which says
// that every page kept drawing every update while Playwright was away (a page that stopped would cost less). Chromium's
// window is Playwright's default viewport, 1280 x 720, as before. The memory figure is measured as before, with Playwright connected.
// Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Browser -- --circuits [--pages 20] [--nodes 1000] [--pending 100000] [--updates 200] [--far] [--counters] [--frames]
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
        var circuitCount = new CircuitCount(); // one object for the process, not one per circuit: the memory figure is unchanged
        var acks = new RenderAcks(); // likewise
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
            TestServices = services =>
            {
                services.AddSingleton<CircuitHandler>(circuitCount);
                services.Configure<HubOptions>(options => options.AddFilter(acks));
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

        // Chromium is launched by the bench and driven over CDP, so that Playwright can be disconnected entirely during
        // the "server only" CPU stretches (CdpChromium says why), with the pages left open.
        await using var chromium = await CdpChromium.StartAsync(BrowserBenchmark.Chromium());
        var (playwright, browser, context) = await chromium.ConnectAsync();
        // --frames: count the WebSocket frames (Playwright then builds an object per frame here, ~10 KB per circuit per
        // update more than the former measure counted: off by default, so that "former" is the former measure).
        var countFrames = args.Contains("--frames");
        var frames = new FrameCount();
        if (countFrames)
        {
            frames.Watch(context);
        }

        var login = await context.NewPageAsync();
        await login.GotoAsync(new Uri(address, "account/login").ToString());
        await login.FillAsync("#user-name", "admin");
        await login.FillAsync("#password", DemoAccounts.All.Single(a => a.Name == "admin").Password);
        await login.ClickAsync("#sign-in");
        await login.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await login.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await login.GotoAsync(new Uri(address, "account/tokens").ToString()); // this page's circuit is not on the Cluster page, and stays open in every figure
        await login.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });

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

        // One measured stretch: CPU (less the idle stretches), the counters, and the WebSocket frames Playwright reported.
        async Task<Stretch> MeasureAsync()
        {
            sent = 0;
            var (counted, framesBefore, acksBefore) = (UpdateCounters.Now(), frames.Now(), acks.Acknowledged);
            var cpu = await UpdatesAsync();
            return new Stretch(cpu, UpdateCounters.Now() - counted, frames.Now() - framesBefore, sent) { Acknowledged = acks.Acknowledged - acksBefore };
        }

        // Playwright disconnected: the browser's pages must stay open and every circuit connected (the server's count).
        async Task<Stretch> DisconnectedAsync(int circuitsExpected)
        {
            await CdpChromium.DisconnectAsync(playwright, browser);
            var urls = await chromium.PageUrlsAsync();
            // A settling time, not a wait for a state: the ended driver's and the closed connection's last work stays out
            // of the idle stretch that the measure subtracts.
            await Task.Delay(TimeSpan.FromSeconds(2));
            Console.WriteLine($"stretch : Playwright disconnected, {circuitsExpected} circuits, process {Environment.ProcessId}: updates start"); // a mark for a profiler
            var measured = await MeasureAsync();
            if (circuitCount.Connected != circuitsExpected || circuitCount.Circuits != circuitsExpected)
            {
                throw new InvalidOperationException($"with Playwright disconnected the server had {circuitCount.Circuits} circuits, {circuitCount.Connected} connected; expected {circuitsExpected}");
            }

            Console.WriteLine($"detached: Playwright disconnected; the browser kept {urls.Count} pages open, the server {circuitCount.Circuits} circuits, {circuitCount.Connected} connected, before and after the stretch");
            (playwright, browser, context) = await chromium.ConnectAsync();
            return measured;
        }

        await UpdatesAsync(); // warm-up: the publication paths compiled before either measure
        // Disconnected first: the connected stretch then stands between the reconnection and the memory figure, as the
        // former bench's did (the first disconnection's objects were seen freed in the middle of the memory steps).
        var withoutDetached = await DisconnectedAsync(circuitsExpected: 1);
        var withoutConnected = await MeasureAsync();
        if (countFrames)
        {
            frames.Watch(context);
        }

        // Memory per idle circuit (CircuitMemory): the N pages, and one Cluster page opened first, stay open for the CPU measure.
        var (memory, open) = await CircuitMemory.MeasureAsync(app.Services, context, address, pages, dumps);
        var circuits = open.Count;
        var withConnected = await MeasureAsync();
        var withDetached = await DisconnectedAsync(circuitsExpected: circuits + 1);
        foreach (var line in CircuitMemory.Describe(memory, nodes, state.Summary.PendingJobs))
        {
            Console.WriteLine(line);
        }

        var updatesSent = withConnected.Updates;
        double PerCircuit(Stretch with, Stretch without) => (with.Cpu - without.Cpu).TotalMilliseconds / (circuits * (double)updatesSent);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"cpu     : {updatesSent} updates (one node's 8 GPUs change, one per {Period.TotalMilliseconds:0} ms) in {Rounds} rounds, each less an idle stretch as long, Playwright disconnected (the server's CPU only): process CPU {withoutDetached.Cpu.TotalMilliseconds:0} ms with no circuit open (the feed's own work, {withoutDetached.Cpu.TotalMilliseconds / updatesSent:0.000} ms per update), {withDetached.Cpu.TotalMilliseconds:0} ms with {circuits} circuits -> {PerCircuit(withDetached, withoutDetached):0.000} ms per circuit per update  target <= 0.3 ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"former  : the same with Playwright connected (the former measure: this process also parsed the driver's event for every WebSocket frame of every page): {withoutConnected.Cpu.TotalMilliseconds:0} ms with no circuit, {withConnected.Cpu.TotalMilliseconds:0} ms with {circuits} -> {PerCircuit(withConnected, withoutConnected):0.000} ms per circuit per update"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"acks    : render batches the browsers acknowledged per circuit per update (the server's count of OnRenderCompleted): {(withDetached.Acknowledged - withoutDetached.Acknowledged) / (circuits * (double)updatesSent):0.00} with Playwright disconnected, {(withConnected.Acknowledged - withoutConnected.Acknowledged) / (circuits * (double)updatesSent):0.00} connected"));
        var frameDelta = withConnected.Frames - withoutConnected.Frames;
        if (countFrames)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"frames  : per circuit per update, with Playwright connected, {frameDelta.Received / (circuits * (double)updatesSent):0.00} WebSocket frames to the browser ({frameDelta.ReceivedBytes / (circuits * (double)updatesSent):0} bytes) and {frameDelta.Sent / (circuits * (double)updatesSent):0.00} from it ({frameDelta.SentBytes / (circuits * (double)updatesSent):0} bytes), each one event from Playwright's driver to this process (no circuit: {withoutConnected.Frames.Received} and {withoutConnected.Frames.Sent} in all; the counting's own objects are in the former measure of this run)"));
        }

        if (counters)
        {
            Console.WriteLine("counters: Playwright disconnected:");
            Console.WriteLine(UpdateCounters.Describe(withoutDetached.Counters, withDetached.Counters, circuits * (double)updatesSent));
            Console.WriteLine("counters: Playwright connected (former):");
            Console.WriteLine(UpdateCounters.Describe(withoutConnected.Counters, withConnected.Counters, circuits * (double)updatesSent));
        }

        // Every update reached the pages: the last one (the full state) is drawn, and the next (the freed node) is too
        // (in the heat map, or with --far in the app bar's GPU total), on every Cluster page (found again after reconnecting).
        var clusterPages = context.Pages.Where(p => p.Url == address.ToString()).ToList();
        if (clusterPages.Count != circuits)
        {
            throw new InvalidOperationException($"after reconnecting, {clusterPages.Count} Cluster pages, expected {circuits}");
        }

        async Task<int> AllocatedAsync(IPage page) => far
            ? int.Parse(new string([.. (await page.Locator("[data-total='gpus']").TextContentAsync() ?? "").TakeWhile(char.IsAsciiDigit)]), NumberStyles.Integer, CultureInfo.InvariantCulture) // "used/total", read as parseInt did
            : await page.Locator("#heat-map .heat-cell.allocated").CountAsync();
        var before = await Task.WhenAll(clusterPages.Select(AllocatedAsync));
        var shownBefore = await Task.WhenAll(clusterPages.Select(p => p.Locator("[data-total='gpus']").TextContentAsync()));
        engine.Feed.Publish(state with { Version = ++version, Snapshot = freed, Summary = ClusterSummary.Of(freed), Events = [] });
        for (var i = 0; i < clusterPages.Count; i++)
        {
            // Playwright's expectation waits for the page's own change (no polling here); then the count must have fallen.
            var expectation = new LocatorAssertionsToHaveTextOptions { Timeout = 60_000 };
            await Assertions.Expect(clusterPages[i].Locator("[data-total='gpus']")).Not.ToHaveTextAsync(shownBefore[i] ?? "", expectation);
            if (await AllocatedAsync(clusterPages[i]) >= before[i])
            {
                throw new InvalidOperationException($"page {i} did not draw the last update");
            }
        }

        var rows = await clusterPages[0].Locator("#heat-map .heat-row").CountAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"check   : every one of the {clusterPages.Count} Cluster pages drew {before.Max()} {(far ? "GPUs used in the app bar" : "allocated cells")} (at least {before.Min()}), then fewer after one more update; the first page draws {rows} heat-map rows (virtualised); {MachineDescription.Load()}"));
        await CdpChromium.DisconnectAsync(playwright, browser);
    }

    private sealed record Stretch(TimeSpan Cpu, UpdateCounters Counters, FrameCount.Totals Frames, int Updates)
    {
        /// <summary>Render batches the browsers acknowledged during the stretch (<see cref="RenderAcks"/>).</summary>
        public long Acknowledged { get; init; }
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
