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

// Browser benchmark (issue 5): an allocation committed by the engine -> the GPU tile visible in the DOM of every
// connected browser, with 1 and with 50 browser contexts on the Cluster page; and the server memory each idle
// circuit costs. Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.Browser [-- --samples 100 --contexts 50 --wait event|poll]
// With --trace it takes a Chrome trace of one context's updates instead and prints where the browser's time goes (also
// with --floor); --css "rules" adds style rules to every page (experiments).
// With --floor it measures a minimal page instead of the app (FloorBenchmark): what headless Chromium itself costs.
// Besides commit -> DOM it prints where the time goes (Split): submit -> the engine's publish, publish -> each circuit's
// render batch written to its SignalR connection (ServerStamps, server side), batch -> DOM and -> the browser's
// acknowledgement (SignalR, the browser), and the CPU seconds each kind of process (server, Chromium's browser, GPU,
// network and renderer processes) spent per update (ProcessCpu).
public static class BrowserBenchmark
{
    /// <summary>The Chromium the bench drives: $DASHBOARD_CHROMIUM, else Debian's.</summary>
    internal static string Chromium() =>
        Environment.GetEnvironmentVariable("DASHBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Launches that Chromium headless (nothing downloaded by Playwright).</summary>
    internal static Task<IBrowser> LaunchAsync(IPlaywright playwright, string chromium) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });

    /// <summary>A page in a browser context of its own (as one user's browser), with a patient default timeout for a loaded machine.</summary>
    internal static async Task<IPage> NewContextPageAsync(IBrowser browser)
    {
        var context = await browser.NewContextAsync();
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// Adds the style rules given with <c>--css "rules"</c> to <paramref name="page"/>, for experiments: what a style change would
    /// cost or save, measured before it is made in the app.
    /// </summary>
    internal static async Task InjectCssAsync(IPage page, string[] args)
    {
        if (BenchArguments.Text(args, "--css") is { Length: > 0 } css)
        {
            await page.AddStyleTagAsync(new PageAddStyleTagOptions { Content = css });
        }
    }

    public static async Task Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var samples = BenchArguments.PositiveInt(args, "--samples", 100);
        var manyContexts = BenchArguments.PositiveInt(args, "--contexts", 50);
        var waitOption = Array.IndexOf(args, "--wait");
        var pollingWait = waitOption >= 0 && waitOption + 1 < args.Length && args[waitOption + 1] == "poll";
        if (args.Contains("--circuits"))
        {
            await CircuitCost.RunAsync(args);
            return;
        }

        if (args.Contains("--floor"))
        {
            await FloorBenchmark.RunAsync(args);
            return;
        }

        var chromium = Chromium();

        foreach (var line in MachineDescription.Lines())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(MachineDescription.Load());
        Console.WriteLine($"setup   : the real app on Kestrel (loopback), 2 simulated nodes x 4 GPUs, Debian Chromium {chromium} headless through Playwright;");
        Console.WriteLine("          each sample submits a 1-GPU job and cancels it; latency runs from the submit call (so it includes the commit) to the");
        Console.WriteLine("          tile's appearance in each page's DOM (MutationObserver, wall clock); samples are spaced 0-300 ms apart at random");

        Console.WriteLine(pollingWait
            ? "          the bench waits for each page with Playwright's WaitForFunction, polling every 50 ms (--wait poll)"
            : "          the bench waits for each page on a promise the MutationObserver resolves (nothing polls; --wait poll for the old way)");

        var stamps = new ServerStamps();
        await using var app = new DashboardFactory { TestServices = stamps.Install };
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var engine = app.Services.GetRequiredService<ClusterEngine>();
        await app.AccountsReady;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright, chromium);

        async Task<IPage> OpenClusterPage()
        {
            var page = await NewContextPageAsync(browser);
            await page.GotoAsync(new Uri(address, "account/login").ToString());
            await page.FillAsync("#user-name", "admin");
            await page.FillAsync("#password", DemoAccounts.All.Single(a => a.Name == "admin").Password);
            await page.ClickAsync("#sign-in");
            await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
            await page.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            await page.WaitForSelectorAsync(".node-card");
            await InjectCssAsync(page, args);

            await page.EvaluateAsync(DomWatch.Install);
            return page;
        }


        var random = new Random(5);
        var spec = new JobSpec("dom-latency", "bench", "vision", "sleep 3600", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));

        async Task<double> WaitAsync(IPage page, string job, bool appeared)
        {
            if (pollingWait)
            {
                var handle = await page.WaitForFunctionAsync(appeared ? DomWatch.Appeared : DomWatch.Gone, job, new PageWaitForFunctionOptions { PollingInterval = 50 });
                return await handle.JsonValueAsync<double>();
            }

            return await page.EvaluateAsync<double>(appeared ? DomWatch.WhenAppeared : DomWatch.WhenGone, job);
        }

        async Task<Split> Measure(IReadOnlyList<IPage> pages, int count, string label)
        {
            var split = new Split();
            for (var i = 0; i < count; i++)
            {
                await Task.Delay(random.Next(0, 300));
                var publishedAt = double.NaN;
                var versionBefore = engine.Feed.Current?.Version ?? 0;
                var published = engine.Feed.WaitForAsync(update =>
                {
                    var allocated = update.Version > versionBefore && update.Events.Any(e => e is AllocationMadeEvent { Owner: "bench" });
                    if (allocated)
                    {
                        publishedAt = ServerStamps.Now();
                    }

                    return allocated;
                });
                var start = ServerStamps.Now();
                var submitted = await engine.SubmitAsync(spec, "bench");
                if (!submitted.Succeeded)
                {
                    throw new InvalidOperationException($"submit refused: {submitted.Reason}");
                }

                var job = submitted.Job!.Value.ToString();
                var appeared = await Task.WhenAll(pages.Select(page => WaitAsync(page, job, appeared: true)));
                await published;
                split.Add(start, publishedAt, appeared, stamps.WrittenBetween(publishedAt, appeared.Max()), stamps.AcknowledgedBetween(publishedAt, appeared.Max() + 1_000));

                await engine.CancelAsync(submitted.Job!.Value, "bench");
                await Task.WhenAll(pages.Select(page => WaitAsync(page, job, appeared: false)));
                Console.Write(i % 10 == 9 ? $"{label} {i + 1}/{count}\r" : string.Empty);
            }

            Console.WriteLine();
            return split;
        }

        static long ManagedHeap()
        {
            for (var i = 0; i < 3; i++)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
            }

            return GC.GetTotalMemory(forceFullCollection: true);
        }

        // Warm-up: JIT, the first circuit, SQLite's cache.
        var first = await OpenClusterPage();
        await Measure([first], 10, "warm-up");

        if (args.Contains("--trace"))
        {
            // Where one update's time goes in the browser, one context: a Chrome trace of every process, summarised.
            await RendererTrace.TraceAsync(browser, "app", 2.0 * samples, () => Measure([first], samples, "traced    "));
            return;
        }

        var versionsBefore = engine.Feed.Current?.Version ?? 0;
        var one = await Measure([first], samples, "1 context ");
        var publicationsPerSample = ((engine.Feed.Current?.Version ?? 0) - versionsBefore) / (double)samples;

        var heapBefore = ManagedHeap();
        var workingSetBefore = Environment.WorkingSet;
        var pages = new List<IPage> { first };
        for (var i = 1; i < manyContexts; i++)
        {
            pages.Add(await OpenClusterPage());
        }

        await Task.Delay(2_000);
        var heapAfter = ManagedHeap();
        var workingSetAfter = Environment.WorkingSet;
        var added = manyContexts - 1;

        var idleBefore = ProcessCpu.Seconds();
        var idleMessagesBefore = stamps.Messages();
        await Task.Delay(10_000);
        var idle = ProcessCpu.Difference(idleBefore, ProcessCpu.Seconds());
        var idleMessages = stamps.Messages();
        var visible = await PageMetrics.VisibleAsync(pages);
        var pageMetrics = await PageMetrics.StartAsync(pages.Take(5));
        var pageMetricsBefore = await pageMetrics.ReadAsync();
        var editsBefore = await pages[^1].EvaluateAsync<System.Text.Json.JsonElement>(DomWatch.Edits);
        var loadBefore = MachineDescription.Load();
        var cpuBefore = ProcessCpu.Seconds();
        var messagesBefore = stamps.Messages();
        var manyStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var manyVersionsBefore = engine.Feed.Current?.Version ?? 0;
        var many = await Measure(pages, samples, $"{manyContexts} contexts");
        var manyPublicationsPerSample = ((engine.Feed.Current?.Version ?? 0) - manyVersionsBefore) / (double)samples;
        var manyWall = System.Diagnostics.Stopwatch.GetElapsedTime(manyStarted);
        var cpu = ProcessCpu.Difference(cpuBefore, ProcessCpu.Seconds());
        var messagesAfter = stamps.Messages();
        var pageMetricsAfter = await pageMetrics.ReadAsync();
        var editsAfter = await pages[^1].EvaluateAsync<System.Text.Json.JsonElement>(DomWatch.Edits);

        Console.WriteLine();
        Console.WriteLine($"commit -> DOM, 1 context  : median {one.Dom.Median:0.0} ms, p95 {one.Dom.Percentile(95):0.0} ms, max {one.Dom.Max:0.0} ms (n={one.Dom.Count})  target p95 <= 100 ms (stretch 50)");
        Console.WriteLine($"commit -> DOM, {manyContexts} contexts : median {many.Dom.Median:0.0} ms, p95 {many.Dom.Percentile(95):0.0} ms, max {many.Dom.Max:0.0} ms (n={many.Dom.Count})  target p95 <= 100 ms (stretch 50)");
        Console.WriteLine($"engine publications per sample: {publicationsPerSample:0.00} with 1 context, {manyPublicationsPerSample:0.00} with {manyContexts} (the submit's, the cancel's, the exit's); the feed paces each circuit to a burst of {ClusterFeed.BurstDeliveries}, then one per {engine.Feed.TokenInterval.TotalMilliseconds:0} ms now ({ClusterFeed.CoalesceInterval.TotalMilliseconds:0} ms with few circuits)");
        one.Print("1 context ", 1);
        many.Print($"{manyContexts} contexts", manyContexts);
        var updates = 2.0 * samples; // each sample: the allocation and the cancel
        Console.WriteLine($"CPU during the {manyContexts}-context run ({manyWall.TotalSeconds:0.0} s wall, {updates} updates, {loadBefore} at its start; CPU time, not wall):");
        ProcessCpu.WritePerUpdate(Console.Out, cpu, idle, idleSeconds: 10, updates, manyContexts, manyWall);
        Console.WriteLine($"renderer main thread, {pageMetrics.Describe(pageMetricsBefore, pageMetricsAfter, updates)}");
        Console.WriteLine($"DOM edits per page per update (MutationObserver, one page): {DomEdits.Describe(editsBefore, editsAfter, updates)}");
        static string Messages(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after, double per) =>
            string.Join(", ", after.Select(m => (m.Key, Count: (m.Value - before.GetValueOrDefault(m.Key)) / per)).Where(m => m.Count > 0)
                .OrderByDescending(m => m.Count).Select(m => $"{m.Key} {m.Count:0.00}"));
        Console.WriteLine($"SignalR messages per page per update: {Messages(messagesBefore, messagesAfter, updates * manyContexts)}");
        Console.WriteLine($"SignalR messages per page per second, idle: {Messages(idleMessagesBefore, idleMessages, 10.0 * manyContexts)}");
        Console.WriteLine($"pages the browser counts visible (document.visibilityState): {visible} of {pages.Count}");
        Console.WriteLine($"memory per idle circuit   : {(heapAfter - heapBefore) / 1024.0 / added:0} KB managed heap, {(workingSetAfter - workingSetBefore) / 1024.0 / added:0} KB working set ({added} circuits on the Cluster page; Microsoft's guidance ~250 KB for a minimal app)");
    }
}
