using System.Globalization;
using System.Net;
using Dashboard.Bench.Scheduling;
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
//   dotnet run -c Release --project bench/Dashboard.Bench.Browser [-- --samples 100 --contexts 50]
public static class BrowserBenchmark
{
    public static async Task Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        var samples = BenchArguments.PositiveInt(args, "--samples", 100);
        var manyContexts = BenchArguments.PositiveInt(args, "--contexts", 50);
        var chromium = Environment.GetEnvironmentVariable("DASHBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

        foreach (var line in MachineDescription.Lines())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(MachineDescription.Load());
        Console.WriteLine($"setup   : the real app on Kestrel (loopback), 2 simulated nodes x 4 GPUs, Debian Chromium {chromium} headless through Playwright;");
        Console.WriteLine("          each sample submits a 1-GPU job and cancels it; latency runs from the submit call (so it includes the commit) to the");
        Console.WriteLine("          tile's appearance in each page's DOM (MutationObserver, wall clock); samples are spaced 0-300 ms apart at random");

        await using var app = new DashboardFactory();
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var engine = app.Services.GetRequiredService<ClusterEngine>();
        await app.AccountsReady;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true });

        async Task<IPage> OpenClusterPage()
        {
            var context = await browser.NewContextAsync();
            context.SetDefaultTimeout(60_000);
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(address, "account/login").ToString());
            await page.FillAsync("#user-name", "admin");
            await page.FillAsync("#password", DemoAccounts.All.Single(a => a.Name == "admin").Password);
            await page.ClickAsync("#sign-in");
            await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
            await page.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            await page.WaitForSelectorAsync(".node-card");
            await page.EvaluateAsync(DomWatch.Install);
            return page;
        }


        var random = new Random(5);
        var spec = new JobSpec("dom-latency", "bench", "vision", "sleep 3600", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));

        async Task<Samples> Measure(IReadOnlyList<IPage> pages, int count, string label)
        {
            var latencies = new Samples();
            for (var i = 0; i < count; i++)
            {
                await Task.Delay(random.Next(0, 300));
                var before = DateTimeOffset.UtcNow;
                var submitted = await engine.SubmitAsync(spec, "bench");
                if (!submitted.Succeeded)
                {
                    throw new InvalidOperationException($"submit refused: {submitted.Reason}");
                }

                var job = submitted.Job!.Value.ToString();
                var appeared = await Task.WhenAll(pages.Select(async page =>
                {
                    var handle = await page.WaitForFunctionAsync(DomWatch.Appeared, job, new PageWaitForFunctionOptions { PollingInterval = 50 });
                    return await handle.JsonValueAsync<double>();
                }));
                var start = before.ToUnixTimeMilliseconds() + (before.Ticks % TimeSpan.TicksPerMillisecond / (double)TimeSpan.TicksPerMillisecond);
                foreach (var at in appeared)
                {
                    latencies.Add(TimeSpan.FromMilliseconds(Math.Max(0, at - start)));
                }

                await engine.CancelAsync(submitted.Job!.Value, "bench");
                await Task.WhenAll(pages.Select(page => page.WaitForFunctionAsync(DomWatch.Gone, job, new PageWaitForFunctionOptions { PollingInterval = 50 })));
                Console.Write(i % 10 == 9 ? $"{label} {i + 1}/{count}\r" : string.Empty);
            }

            Console.WriteLine();
            return latencies;
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

        var one = await Measure([first], samples, "1 context ");

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

        var many = await Measure(pages, samples, $"{manyContexts} contexts");

        Console.WriteLine();
        Console.WriteLine($"commit -> DOM, 1 context  : median {one.Median:0.0} ms, p95 {one.Percentile(95):0.0} ms, max {one.Max:0.0} ms (n={one.Count})  target p95 <= 100 ms (stretch 50)");
        Console.WriteLine($"commit -> DOM, {manyContexts} contexts : median {many.Median:0.0} ms, p95 {many.Percentile(95):0.0} ms, max {many.Max:0.0} ms (n={many.Count})  target p95 <= 100 ms (stretch 50)");
        Console.WriteLine($"memory per idle circuit   : {(heapAfter - heapBefore) / 1024.0 / added:0} KB managed heap, {(workingSetAfter - workingSetBefore) / 1024.0 / added:0} KB working set ({added} circuits on the Cluster page; Microsoft's guidance ~250 KB for a minimal app)");
    }
}
