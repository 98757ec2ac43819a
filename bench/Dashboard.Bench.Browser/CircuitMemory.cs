using System.Diagnostics;
using System.Globalization;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

/// <summary>
/// What an idle circuit on the Cluster page holds, measured so that only circuits are counted (`--circuits`). The
/// former figure (heap after N circuits less before, over N) also counted:
/// <list type="bullet">
/// <item>what the first Cluster page of the process builds once and shares (its markup texts, type caches, the feed's
/// views): now one Cluster page is open before anything is measured, and stays open;</item>
/// <item>the bench's own Playwright objects per page (its page, frame and response objects with their headers, in this
/// process): the N pages are first opened on a page of the app without a circuit (the statically rendered
/// "not allowed" page), measured, and then taken to the Cluster page;</item>
/// <item>whatever grows with time rather than circuits (the session watch's GPU readings, whose first pass over 1,000
/// running jobs adds ~600 KB once: it is waited for before anything is measured): a control stretch as long as the
/// circuits' measure, with nothing opened, says how much the heap moves by itself in that time.</item>
/// </list>
/// Each reading first waits for the thread pool's extra threads to retire (each held its own cached buffers), and each
/// point is the least of three readings (<see cref="MeasureAsync()"/>): a moment's objects in flight are not a circuit's.
/// Every figure is printed, the former one too (the same arithmetic over the warm-up circuit as well, so N + 1).
/// </summary>
public static class CircuitMemory
{
    private const int Readings = 3;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    public sealed record Figures(int Pages, Heap Start, Heap Warm, Heap WithPages, Heap WithCircuits, Heap Control, TimeSpan CircuitsTook)
    {
        /// <summary>The thread pool's threads at each reading (start, warm, pages, circuits, control), after waiting for the extra ones to retire.</summary>
        public string Threads { get; init; } = "";

        /// <summary>The former figure: everything from the start, over the N circuits and the warm-up one.</summary>
        public Heap Former => (WithCircuits - Start) / (Pages + 1);

        /// <summary>The bench's own objects for a page (Playwright's page, frame, response) and the page's static request.</summary>
        public Heap PageObjects => (WithPages - Warm) / Pages;

        /// <summary>What going from a page without a circuit to the Cluster page added, per circuit.</summary>
        public Heap Circuit => (WithCircuits - WithPages) / Pages;

        /// <summary>How much the heap moved by itself over a stretch as long as <see cref="Circuit"/>'s, per circuit.</summary>
        public Heap Drift => (Control - WithCircuits) / Pages;
    }

    /// <summary>
    /// Managed heap (<see cref="GC.GetTotalMemory"/>), small-object heap (generations 0-2 less their free space) and the
    /// objects the last full collection found alive (<see cref="GCMemoryInfo.PromotedBytes"/> of a full blocking
    /// collection: what it marked, all generations, without free space or the tails of the GC's regions), in bytes.
    /// </summary>
    public readonly record struct Heap(double Managed, double Small, double Live)
    {
        public static Heap operator -(Heap a, Heap b) => new(a.Managed - b.Managed, a.Small - b.Small, a.Live - b.Live);

        public static Heap operator /(Heap a, int n) => new(a.Managed / n, a.Small / n, a.Live / n);

        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Live / 1024:0} KB live / {Managed / 1024:0} KB managed / {Small / 1024:0} KB small");
    }

    /// <summary>Opens <paramref name="pages"/> circuits on the Cluster page and measures them; returns them, and the warm-up one first, left open.</summary>
    public static async Task<(Figures Figures, List<IPage> Open)> MeasureAsync(IServiceProvider services, IBrowserContext context, Uri address, int pages, string? dumps)
    {
        // The session watch's first pass (every running job's GPU readings and idle states) is held for good once made:
        // it happens once, a minute after start, whether or not anyone watches.
        var feed = services.GetRequiredService<ClusterFeed>();
        var watch = services.GetRequiredService<IdleWatch>();
        var job = feed.Current!.Snapshot.Running[^1].Job.Id;
        while (watch.ReadingsOf(job).Count == 0)
        {
            await Task.Delay(500);
        }

        // Threads the pool adds under load (opening pages, the collections) retire after 20 s idle, and each holds its own
        // cached buffers (ArrayPool's per-thread arrays) until then: every reading first waits, up to a minute, for the
        // pool to be back to the threads it had here.
        var threads = ThreadPool.ThreadCount;
        var counts = new List<int>();
        async Task<Heap> SettledAsync()
        {
            var waited = Stopwatch.StartNew();
            while (ThreadPool.ThreadCount > threads && waited.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(1000);
            }

            var heap = await MeasureAsync();
            counts.Add(ThreadPool.ThreadCount);
            return heap;
        }

        var start = await SettledAsync();
        var warmUp = await OpenClusterPageAsync(await context.NewPageAsync(), address);
        await Task.Delay(Settle);
        var warm = await SettledAsync();
        await HeapDumps.TakeAsync(dumps, "before");

        var open = new List<IPage>();
        for (var i = 0; i < pages; i++)
        {
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(address, "account/denied").ToString());
            await page.WaitForSelectorAsync("#not-allowed");
            open.Add(page);
        }

        await Task.Delay(Settle);
        var withPages = await SettledAsync();
        await HeapDumps.TakeAsync(dumps, "pages");

        var took = Stopwatch.StartNew();
        foreach (var page in open)
        {
            await OpenClusterPageAsync(page, address);
        }

        await Task.Delay(Settle);
        var withCircuits = await SettledAsync();
        var circuitsTook = took.Elapsed;
        await HeapDumps.TakeAsync(dumps, $"after-{pages}");

        // The control: as long again with nothing opened (the dump's own time left out of neither stretch).
        await Task.Delay(circuitsTook);
        var control = await SettledAsync();
        await HeapDumps.TakeAsync(dumps, "control");
        open.Insert(0, warmUp); // the warm-up circuit stays open too: the CPU measure counts every open circuit
        return (new Figures(pages, start, warm, withPages, withCircuits, control, circuitsTook) { Threads = $"{threads} at first; at the readings {string.Join(", ", counts)}" }, open);
    }

    public static IEnumerable<string> Describe(Figures f, int nodes, int waiting) =>
    [
        string.Create(CultureInfo.InvariantCulture, $"live    : {f.Circuit.Live / 1024:0} KB live objects per idle circuit (what the last full collection marked: no free space, no region tails; the figure that the control below says holds still)  target <= 250 KB"),
        string.Create(CultureInfo.InvariantCulture, $"memory  : {f.Circuit.Managed / 1024:0} KB managed heap per idle circuit on the Cluster page ({f.Pages} circuits, {nodes:N0} nodes, {waiting:N0} waiting; the heap with the pages on the Cluster page less the heap with the same pages on a page without a circuit, one Cluster page open throughout)  target <= 250 KB"),
        string.Create(CultureInfo.InvariantCulture, $"small   : {f.Circuit.Small / 1024:0} KB small-object heap per idle circuit (generations 0-2 less their free space, after the same collections)"),
        string.Create(CultureInfo.InvariantCulture, $"control : {f.Drift} per circuit: how the heap moved by itself over {f.CircuitsTook.TotalSeconds:0} s with nothing opened (as long as the circuits took to open and settle): pooled buffers letting go, which the readings above still held; the figures above are high by up to about as much"),
        string.Create(CultureInfo.InvariantCulture, $"threads : thread-pool threads {f.Threads} (each reading waited up to a minute for the first count)"),
        string.Create(CultureInfo.InvariantCulture, $"pages   : {f.PageObjects} per page on a page without a circuit (the bench's Playwright objects, the static request), not counted above"),
        string.Create(CultureInfo.InvariantCulture, $"former  : {f.Former} per circuit, the former measure (from before the first Cluster page, over {f.Pages + 1} circuits: the first Cluster page's shared caches, the pages' Playwright objects and the time between included)"),
    ];

    private static async Task<IPage> OpenClusterPageAsync(IPage page, Uri address)
    {
        await page.GotoAsync(address.ToString());
        await page.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        await page.WaitForSelectorAsync("#heat-map .heat-row");
        return page;
    }

    /// <summary>
    /// The least of three readings two seconds apart, each after full compacting collections: what is alive only for a
    /// moment (a render batch or a ping in flight, a timer's pass over the queue under way during a collection) raises a
    /// reading and is gone in the next; what a circuit holds is in every one.
    /// </summary>
    private static async Task<Heap> MeasureAsync()
    {
        var least = Read();
        for (var i = 1; i < Readings; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var next = Read();
            least = new Heap(Math.Min(least.Managed, next.Managed), Math.Min(least.Small, next.Small), Math.Min(least.Live, next.Live));
        }

        return least;
    }

    private static Heap Read()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        var managed = GC.GetTotalMemory(forceFullCollection: true);
        var info = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var generations = info.GenerationInfo;
        var small = 0L;
        for (var g = 0; g <= 2; g++)
        {
            small += generations[g].SizeAfterBytes - generations[g].FragmentationAfterBytes;
        }

        return new Heap(managed, small, info.PromotedBytes);
    }
}
