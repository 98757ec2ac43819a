using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Dashboard.Bench.Scheduling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

/// <summary>
/// The floor (issue 5): what headless Chromium itself costs per update, whatever the web UI. Not the app: a minimal
/// Kestrel app (no Blazor, no MudBlazor) serves one static page, 2 node cards x 4 GPU tiles in plain CSS, that opens a
/// plain WebSocket to it. Each sample "commits" by sending a small message (job id, node, GPU, team: ~75 bytes) to every
/// connected socket; the page's script sets that tile's class, data attributes and label (the kind of DOM change the
/// Cluster page makes), and a second message reverts it (the cancel). The same <see cref="DomWatch"/> observer stamps
/// the change and the bench waits on it the same way, with the same spacing (0-300 ms at random), the same 1 and N
/// contexts, the same latency (from the send call to the DOM change) and the same CPU-per-update table as
/// <see cref="BrowserBenchmark"/>. Each part runs twice: plain, then with the page acknowledging every message with a
/// small message of its own, as Blazor's client acknowledges every render batch. Usage:
///   dotnet run -c Release --project bench/Dashboard.Bench.Browser -- --floor [--samples 60 --contexts 50] [--full]
/// With --full the page is the Cluster page's whole live view in plain HTML (<see cref="FullPage"/>), and each message
/// makes every edit one update makes in the app: what this UI's change costs the browser without Blazor and MudBlazor.
/// </summary>
public static class FloorBenchmark
{
    private const int Nodes = 2;
    private const int GpusPerNode = 4;

    public static async Task RunAsync(string[] args)
    {
        var samples = BenchArguments.PositiveInt(args, "--samples", 60);
        var manyContexts = BenchArguments.PositiveInt(args, "--contexts", 50);
        var chromium = BrowserBenchmark.Chromium();

        var full = args.Contains("--full");
        foreach (var line in MachineDescription.Lines())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(MachineDescription.Load());
        Console.WriteLine($"setup   : FLOOR, not the app: a minimal Kestrel app (loopback, no Blazor, no MudBlazor) serving one static page of {Nodes} node cards x {GpusPerNode} GPU tiles,");
        Console.WriteLine($"          plain CSS, and a plain WebSocket; Debian Chromium {chromium} headless through Playwright;");
        Console.WriteLine("          each sample sends every socket a ~75-byte message that sets one tile's class, data attributes and label, then one");
        Console.WriteLine("          that reverts it; latency runs from the send call to the change in each page's DOM (the app bench's MutationObserver,");
        Console.WriteLine("          wall clock, waited on through a promise); samples are spaced 0-300 ms apart at random; each part runs plain, then");
        Console.WriteLine("          with the page acknowledging every message (as Blazor's client acknowledges every render batch)");
        if (full)
        {
            Console.WriteLine("          --full: the page is the Cluster page's whole live view in plain HTML at the app's places (app bar totals, legend,");
            Console.WriteLine("          quota panel, node cards with tiles, hover cards and bars), and each message makes every edit one app update makes");
        }

        await using var server = await FloorServer.StartAsync(full ? FullPage : Page);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BrowserBenchmark.LaunchAsync(playwright, chromium);

        async Task<IPage> OpenFloorPage()
        {
            var page = await BrowserBenchmark.NewContextPageAsync(browser);
            await page.GotoAsync(server.Address.ToString());
            await page.WaitForSelectorAsync("body[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
            await BrowserBenchmark.InjectCssAsync(page, args);

            await page.EvaluateAsync(DomWatch.Install);
            return page;
        }

        var random = new Random(5);
        var nextJob = 1;

        async Task<(Samples Dom, Samples Acknowledged)> Measure(IReadOnlyList<IPage> pages, int count, bool acknowledge, string label)
        {
            var dom = new Samples();
            var acknowledged = new Samples();
            for (var i = 0; i < count; i++)
            {
                await Task.Delay(random.Next(0, 300));
                var job = (nextJob++).ToString(CultureInfo.InvariantCulture);
                var gpu = i % (Nodes * GpusPerNode);
                var start = ServerStamps.Now();
                await server.SendToAllAsync(Message("allocate", job, gpu, acknowledge));
                var appeared = await Task.WhenAll(pages.Select(page => page.EvaluateAsync<double>(DomWatch.WhenAppeared, job)));
                foreach (var at in appeared)
                {
                    dom.Add(TimeSpan.FromMilliseconds(Math.Max(0, at - start)));
                }

                if (acknowledge)
                {
                    foreach (var at in await server.AcknowledgementsAsync($"allocate {job}", pages.Count))
                    {
                        acknowledged.Add(TimeSpan.FromMilliseconds(at - start));
                    }
                }

                await server.SendToAllAsync(Message("free", job, gpu, acknowledge));
                await Task.WhenAll(pages.Select(page => page.EvaluateAsync<double>(DomWatch.WhenGone, job)));
                if (acknowledge)
                {
                    await server.AcknowledgementsAsync($"free {job}", pages.Count);
                }

                Console.Write(i % 10 == 9 ? $"{label} {i + 1}/{count}\r" : string.Empty);
            }

            Console.WriteLine();
            return (dom, acknowledged);
        }

        // Warm-up: JIT, the first page.
        var first = await OpenFloorPage();
        await Measure([first], 10, acknowledge: false, "warm-up");
        if (args.Contains("--trace"))
        {
            await RendererTrace.TraceAsync(browser, full ? "full-floor" : "floor", 2.0 * samples, () => Measure([first], samples, acknowledge: true, "traced    "));
            return;
        }

        var one = await Measure([first], samples, acknowledge: false, "1 context ");
        var oneAcknowledged = await Measure([first], samples, acknowledge: true, "1 context, ack ");

        var pages = new List<IPage> { first };
        for (var i = 1; i < manyContexts; i++)
        {
            pages.Add(await OpenFloorPage());
        }

        await Task.Delay(2_000);
        const double idleSeconds = 10;
        var idleBefore = ProcessCpu.Seconds();
        await Task.Delay(TimeSpan.FromSeconds(idleSeconds));
        var idle = ProcessCpu.Difference(idleBefore, ProcessCpu.Seconds());
        var visible = await PageMetrics.VisibleAsync(pages);
        var pageMetrics = await PageMetrics.StartAsync(pages.Take(5));

        async Task<(Samples Dom, Samples Acknowledged, string Report)> MeasureMany(bool acknowledge)
        {
            var metricsBefore = await pageMetrics.ReadAsync();
            var editsBefore = await pages[^1].EvaluateAsync<JsonElement>(DomWatch.Edits);
            var load = MachineDescription.Load();
            var cpuBefore = ProcessCpu.Seconds();
            var started = Stopwatch.GetTimestamp();
            var (dom, acknowledged) = await Measure(pages, samples, acknowledge, $"{manyContexts} contexts{(acknowledge ? ", ack" : string.Empty)}");
            var wall = Stopwatch.GetElapsedTime(started);
            var cpu = ProcessCpu.Difference(cpuBefore, ProcessCpu.Seconds());
            var metricsAfter = await pageMetrics.ReadAsync();
            var editsAfter = await pages[^1].EvaluateAsync<JsonElement>(DomWatch.Edits);
            var updates = 2.0 * samples; // each sample: the change and its revert

            // The table goes out after the measurements, so that printing it costs them nothing.
            using var report = new StringWriter(CultureInfo.InvariantCulture);
            report.WriteLine($"CPU during the {manyContexts}-context floor run{(acknowledge ? " with acknowledgements" : string.Empty)} ({wall.TotalSeconds:0.0} s wall, {updates} updates, {load} at its start; CPU time, not wall):");
            ProcessCpu.WritePerUpdate(report, cpu, idle, idleSeconds, updates, manyContexts, wall);
            report.WriteLine($"renderer main thread, {pageMetrics.Describe(metricsBefore, metricsAfter, updates)}");
            report.WriteLine($"DOM edits per page per update (MutationObserver, one page): {DomEdits.Describe(editsBefore, editsAfter, updates)}");
            return (dom, acknowledged, report.ToString());
        }

        var many = await MeasureMany(acknowledge: false);
        var manyAcknowledged = await MeasureMany(acknowledge: true);

        static string Of(Samples s) => string.Create(CultureInfo.InvariantCulture, $"median {s.Median:0.0} ms, p95 {s.Percentile(95):0.0} ms, max {s.Max:0.0} ms (n={s.Count})");
        Console.WriteLine();
        Console.WriteLine($"FLOOR send -> DOM, 1 context            : {Of(one.Dom)}  target p95 <= 100 ms (stretch 50)");
        Console.WriteLine($"FLOOR send -> DOM, 1 context, with acks : {Of(oneAcknowledged.Dom)}; send -> ack read {Of(oneAcknowledged.Acknowledged)}");
        Console.WriteLine($"FLOOR send -> DOM, {manyContexts} contexts           : {Of(many.Dom)}  target p95 <= 100 ms (stretch 50)");
        Console.WriteLine($"FLOOR send -> DOM, {manyContexts} contexts, with acks: {Of(manyAcknowledged.Dom)}; send -> ack read {Of(manyAcknowledged.Acknowledged)}");
        Console.Write(many.Report);
        Console.Write(manyAcknowledged.Report);
        Console.WriteLine($"pages the browser counts visible (document.visibilityState): {visible} of {pages.Count}");
        Console.WriteLine(MachineDescription.Load() + " at the end");
    }

    private static string Message(string change, string job, int gpu, bool acknowledge) =>
        JsonSerializer.Serialize(new FloorMessage(change, job, gpu / GpusPerNode, gpu % GpusPerNode, "vision", acknowledge ? 1 : 0));

    private sealed record FloorMessage(string Change, string Job, int Node, int Gpu, string Team, int Ack);

    /// <summary>The floor's server: the page, a WebSocket endpoint, every open socket, and the acknowledgements read (stamped).</summary>
    private sealed class FloorServer : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentDictionary<WebSocket, byte> sockets = new();
        private readonly ConcurrentDictionary<string, ConcurrentQueue<double>> acknowledgements = new();
        private readonly SemaphoreSlim acknowledged = new(0);

        private FloorServer(WebApplication app) => this.app = app;

        public Uri Address { get; private set; } = null!;

        public static async Task<FloorServer> StartAsync(string page)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(options => options.Listen(IPAddress.Loopback, 0));
            var server = new FloorServer(builder.Build());
            server.app.UseWebSockets();
            server.app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
            server.app.Map("/ws", server.AcceptAsync);
            await server.app.StartAsync();
            server.Address = new Uri(server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            return server;
        }

        /// <summary>The same message to every open socket, each write started at once (as each circuit writes its own batch).</summary>
        public Task SendToAllAsync(string message)
        {
            var bytes = Encoding.UTF8.GetBytes(message);
            return Task.WhenAll(sockets.Keys.Select(socket => socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None)));
        }

        /// <summary>The times the <paramref name="count"/> acknowledgements of <paramref name="key"/> ("allocate 17") were read, once all were.</summary>
        public async Task<IReadOnlyList<double>> AcknowledgementsAsync(string key, int count)
        {
            var queue = acknowledgements.GetOrAdd(key, _ => new ConcurrentQueue<double>());
            while (queue.Count < count)
            {
                if (!await acknowledged.WaitAsync(TimeSpan.FromSeconds(60)))
                {
                    throw new TimeoutException($"{queue.Count} of {count} acknowledgements of {key} read");
                }
            }

            acknowledgements.TryRemove(key, out _);
            return [.. queue];
        }

        private async Task AcceptAsync(HttpContext context)
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            sockets.TryAdd(socket, 0);
            try
            {
                var buffer = new byte[256];
                while (socket.State == WebSocketState.Open)
                {
                    var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
                    if (received.MessageType == WebSocketMessageType.Close)
                    {
                        break;
                    }

                    var at = ServerStamps.Now();
                    var text = Encoding.UTF8.GetString(buffer, 0, received.Count);
                    acknowledgements.GetOrAdd(text, _ => new ConcurrentQueue<double>()).Enqueue(at);
                    acknowledged.Release();
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (WebSocketException)
            {
            }
            finally
            {
                sockets.TryRemove(socket, out _);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            acknowledged.Dispose();
        }
    }

    // The full floor page (--full): the Cluster page's layout and live regions in plain HTML and CSS, no framework, at
    // the same places on a 1280 x 720 viewport: a fixed app bar with the five totals, the heading row with the team
    // legend, the quota panel (texts and a bar), two node cards (tiles with a job line and a hidden hover card, CPU and
    // memory texts and bars). Each message makes the edits one update makes in the app (tile, job line, hover card,
    // totals, quota texts and bar, node texts and bars, legend: ~35 mutation records), so it prices this UI's change
    // to the browser without Blazor and MudBlazor.
    private const string FullPage = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Floor, full</title>
        <style>
          body { font: 14px Roboto, Helvetica, Arial, sans-serif; margin: 0; color: rgba(0,0,0,.87); }
          header { position: fixed; top: 0; left: 0; right: 0; height: 64px; background: #594ae2; color: #fff; display: flex;
                   align-items: center; padding: 0 24px; gap: 40px; box-shadow: 0 2px 4px -1px rgba(0,0,0,.2),0 4px 5px 0 rgba(0,0,0,.14); z-index: 10; }
          header .title { font-size: 20px; }
          .cluster-totals { display: flex; gap: 20px; font-size: 14px; white-space: nowrap; margin-left: auto; }
          main { padding: 80px 16px 16px; }
          .heading { display: flex; align-items: center; gap: 12px; margin-bottom: 12px; }
          .heading h5 { font-size: 24px; font-weight: 400; margin: 0; }
          .team-legend { margin-left: auto; display: flex; gap: 12px; }
          .team-legend-item { display: inline-flex; align-items: center; gap: 5px; }
          .team-swatch { width: 14px; height: 14px; border-radius: 3px; display: inline-block; }
          .paper { border: 1px solid #e0e0e0; border-radius: 4px; padding: 12px; margin-bottom: 12px; }
          .quota-row { display: grid; grid-template-columns: 200px 1fr 360px; align-items: center; gap: 16px; }
          .bar { height: 4px; background: #d6d2f8; border-radius: 2px; overflow: hidden; }
          .bar { position: relative; }
          .bar > div { position: absolute; inset: 0; background: #594ae2; transform-origin: left; }
          .node-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr)); gap: 16px; }
          .node-card { border: 1px solid #e0e0e0; border-radius: 4px; padding: 16px; }
          .node-card h6 { font-size: 20px; font-weight: 400; margin: 0 0 4px; }
          .gpu-tiles { display: grid; grid-template-columns: repeat(8, 1fr); gap: 5px; margin: 12px 0; }
          .gpu-slot { position: relative; }
          .gpu-tile { height: 48px; border-radius: 4px; display: flex; flex-direction: column; align-items: center; justify-content: center; font-size: 12px; }
          .gpu-tile.free { border: 1px dashed #bdbdbd; color: #757575; }
          .gpu-tile.allocated { color: #fff; text-shadow: 0 0 2px rgba(0,0,0,.6); }
          .gpu-hover-card { display: none; position: absolute; bottom: calc(100% + 6px); left: 0; z-index: 1500; background: #333; color: #fff; padding: 6px; }
          .gpu-slot:hover .gpu-hover-card { display: block; }
          .usage-bar-label { display: flex; justify-content: space-between; font-size: 13px; margin-top: 6px; }
        </style>
        </head>
        <body>
        <header><span class="title">Compute Dashboard</span><span>Cluster</span><span>Jobs</span><span>Submit</span>
          <div class="cluster-totals" id="cluster-totals"><span>GPUs <b id="t-gpus">0/8</b></span><span>CPU <b id="t-cpu">0/128 cores</b></span>
          <span>Memory <b id="t-mem">0/1024 GiB</b></span><span>Pending <b id="t-pending">0</b></span><span>Running <b id="t-running">0</b></span></div></header>
        <main>
          <div class="heading"><h5>Cluster</h5><span>2 nodes</span><div class="team-legend" id="team-legend"></div></div>
          <div class="paper"><div>Quotas</div><div class="quota-row" id="quota-panel"><b>vision</b>
            <div><span>GPUs <b id="q-gpus">0</b> / 12 · borrowed <b>0</b> · lent <b>0</b></span><div class="bar"><div id="q-bar" style="transform: translateX(-100%)"></div></div></div>
            <span id="q-text">CPU 0 / 96 cores · Memory 0 / 768 GiB</span></div></div>
          <div class="node-grid" id="nodes"></div>
        </main>
        <script>
          const nodes = document.getElementById('nodes');
          for (let n = 0; n < 2; n++) {
            let tiles = '';
            for (let g = 0; g < 4; g++) {
              tiles += `<div class="gpu-slot"><div class="gpu-tile free" id="gpu-${n}-${g}" data-gpu="${g}" title="GPU ${g} free"><span class="gpu-index">${g}</span></div></div>`;
            }
            nodes.insertAdjacentHTML('beforeend', `<div class="node-card"><h6>demo-gpu-0${n + 1}</h6><div>4 x A100-80GB</div><div class="gpu-tiles">${tiles}</div>
              <div class="usage-bar-label"><span>CPU</span><span id="cpu-${n}">0 / 64 cores requested</span></div><div class="bar"><div id="cpu-bar-${n}" style="transform: translateX(-100%)"></div></div>
              <div class="usage-bar-label"><span>Memory</span><span id="mem-${n}">0 / 512 GiB requested</span></div><div class="bar"><div id="mem-bar-${n}" style="transform: translateX(-100%)"></div></div></div>`);
          }
          const used = [0, 0];
          const text = (id, value) => { document.getElementById(id).firstChild.data = value; };
          // As MudBlazor's progress bar: the fill slides by a transform, so a new value needs no layout.
          const bar = (id, percent) => { document.getElementById(id).style.transform = `translateX(${percent - 100}%)`; };
          const socket = new WebSocket(`ws://${location.host}/ws`);
          socket.onopen = () => { document.body.dataset.ready = '1'; };
          socket.onmessage = event => {
            const m = JSON.parse(event.data);
            const tile = document.getElementById(`gpu-${m.Node}-${m.Gpu}`);
            const slot = tile.parentElement;
            const legend = document.getElementById('team-legend');
            if (m.Change === 'allocate') {
              used[m.Node]++;
              tile.className = 'gpu-tile allocated';
              tile.dataset.job = m.Job;
              tile.dataset.team = m.Team;
              tile.style.backgroundColor = '#43a047';
              tile.tabIndex = 0;
              tile.setAttribute('aria-label', `GPU ${m.Gpu}: job ${m.Job}`);
              tile.removeAttribute('title');
              tile.insertAdjacentHTML('beforeend', `<span class="gpu-job">#${m.Job}</span>`);
              slot.insertAdjacentHTML('beforeend', `<div class="gpu-hover-card" aria-hidden="true"><div><b>GPU ${m.Gpu}</b> · A100-80GB</div>
                <div>Job #${m.Job} dom-latency</div><div>Owner bench (${m.Team})</div><div>Since 13:00</div><div>Expected end 14:00</div></div>`);
              legend.insertAdjacentHTML('beforeend', `<span class="team-legend-item" data-team="${m.Team}"><span class="team-swatch" style="background-color:#43a047"></span>${m.Team}</span>`);
            } else {
              used[m.Node]--;
              tile.className = 'gpu-tile free';
              delete tile.dataset.job;
              delete tile.dataset.team;
              tile.style.backgroundColor = '';
              tile.removeAttribute('tabindex');
              tile.removeAttribute('aria-label');
              tile.title = `GPU ${m.Gpu} free`;
              tile.querySelector('.gpu-job')?.remove();
              slot.querySelector('.gpu-hover-card')?.remove();
              legend.replaceChildren();
            }
            const total = used[0] + used[1];
            text('t-gpus', `${total}/8`); text('t-cpu', `${total}/128 cores`); text('t-mem', `${total}/1024 GiB`);
            text('t-pending', '0'); text('t-running', `${total}`);
            text('q-gpus', `${total}`); bar('q-bar', total * 100 / 12);
            text('q-text', `CPU ${total} / 96 cores · Memory ${total} / 768 GiB`);
            text(`cpu-${m.Node}`, `${used[m.Node]} / 64 cores requested`); bar(`cpu-bar-${m.Node}`, used[m.Node] * 100 / 64);
            text(`mem-${m.Node}`, `${used[m.Node]} / 512 GiB requested`); bar(`mem-bar-${m.Node}`, used[m.Node] * 100 / 512);
            if (m.Ack) { socket.send(`${m.Change} ${m.Job}`); }
          };
        </script>
        </body>
        </html>
        """;

    // The floor page: node cards and GPU tiles as on the Cluster page (same class names and data attributes, so the
    // app bench's DomWatch observes it unchanged), plain CSS, no framework; the script applies each message to its tile.
    private const string Page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Floor</title>
        <style>
          body { font: 14px sans-serif; margin: 16px; }
          .nodes { display: flex; gap: 16px; }
          .node-card { border: 1px solid #ccc; border-radius: 6px; padding: 12px; width: 260px; }
          .gpu-tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 6px; margin-top: 8px; }
          .gpu-tile { height: 40px; border-radius: 4px; font-size: 11px; display: flex; align-items: center; justify-content: center; }
          .gpu-tile.free { background: #e8f5e9; color: #2e7d32; }
          .gpu-tile.allocated { background: #1565c0; color: #fff; }
        </style>
        </head>
        <body>
        <div class="nodes">
          <div class="node-card"><strong>node-01</strong><div class="gpu-tiles">
            <div class="gpu-tile free" id="gpu-0-0" data-gpu="0">free</div><div class="gpu-tile free" id="gpu-0-1" data-gpu="1">free</div>
            <div class="gpu-tile free" id="gpu-0-2" data-gpu="2">free</div><div class="gpu-tile free" id="gpu-0-3" data-gpu="3">free</div>
          </div></div>
          <div class="node-card"><strong>node-02</strong><div class="gpu-tiles">
            <div class="gpu-tile free" id="gpu-1-0" data-gpu="0">free</div><div class="gpu-tile free" id="gpu-1-1" data-gpu="1">free</div>
            <div class="gpu-tile free" id="gpu-1-2" data-gpu="2">free</div><div class="gpu-tile free" id="gpu-1-3" data-gpu="3">free</div>
          </div></div>
        </div>
        <script>
          const socket = new WebSocket(`ws://${location.host}/ws`);
          socket.onopen = () => { document.body.dataset.ready = '1'; };
          socket.onmessage = event => {
            const m = JSON.parse(event.data);
            const tile = document.getElementById(`gpu-${m.Node}-${m.Gpu}`);
            if (m.Change === 'allocate') {
              tile.className = 'gpu-tile allocated';
              tile.dataset.job = m.Job;
              tile.dataset.team = m.Team;
              tile.firstChild.data = m.Team;
            } else {
              tile.className = 'gpu-tile free';
              delete tile.dataset.job;
              delete tile.dataset.team;
              tile.firstChild.data = 'free';
            }
            if (m.Ack) { socket.send(`${m.Change} ${m.Job}`); }
          };
        </script>
        </body>
        </html>
        """;
}
