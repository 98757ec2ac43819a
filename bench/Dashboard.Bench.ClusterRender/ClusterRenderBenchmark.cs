using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Dashboard.Bench.Scheduling;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Web.Components.Tests;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Microsoft.JSInterop;
using MudBlazor;
using MudBlazor.Services;
using Dashboard.Web.Cluster;

namespace Dashboard.Bench.ClusterRender;

// What one live update of the Cluster page costs a circuit on the server (issue 5): the real Blazor renderer (no
// browser, no network) with the page and the layout's popover provider mounted, fed by a real ClusterFeed on a fake
// clock; each update starts or ends one job on the first node. Per update: server CPU time (the whole process, divided
// by the updates), the render batch (components rendered, diff edits, bytes as Blazor Server would send them) and the
// wall time from publish to the page's batch. Usage:
//   dotnet run -c Release --project bench/Dashboard.Bench.ClusterRender [-- --updates 400]
public static class ClusterRenderBenchmark
{
    public static async Task Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var i = Array.IndexOf(args, "--updates");
        var updates = i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 400;

        foreach (var line in MachineDescription.Lines())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(MachineDescription.Load());
        foreach (var nodes in new[] { 2, 20, 2, 20 })
        {
            await MeasureAsync(nodes, updates);
        }

        Console.WriteLine(MachineDescription.Load());
    }

    private static async Task MeasureAsync(int nodeCount, int updates)
    {
        var time = new FakeTimeProvider(TestCluster.Now);
        var feed = new ClusterFeed(time);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddMudServices();
        services.AddSingleton<IJSRuntime, QuietJSRuntime>();
        services.AddSingleton<NavigationManager, FixedNavigationManager>();
        services.AddSingleton(feed);
        services.AddSingleton<ICurrentUser>(new SignedInUser("alice", UserRole.Member, ["vision"]));
        services.AddSingleton<Dashboard.Web.Elastic.IElasticPoolCommands>(new RecordingPoolCommands());
        await using var provider = services.BuildServiceProvider();
        using var renderer = new CountingRenderer(provider);

        ClusterUpdate Build(long version, bool running)
        {
            var cluster = new TestCluster().Team("vision").Team("nlp");
            for (var node = 1; node <= nodeCount; node++)
            {
                cluster.Node($"gpu-{node:D2}");
            }

            for (var node = 2; node <= nodeCount; node += 2)
            {
                cluster.Run($"gpu-{node:D2}", [0, 1, 2, 3], "nlp");
            }

            if (running)
            {
                cluster.Run("gpu-01", [0], "vision");
            }

            var update = cluster.Update(version);
            _ = ClusterView.Of(update); // built once per snapshot for all circuits: not this circuit's cost
            return update;
        }

        var published = Enumerable.Range(0, updates + 1).Select(v => Build(v + 1, v % 2 == 1)).ToArray();
        feed.Publish(published[0]);
        await renderer.MountAsync<MudPopoverProvider>();
        await renderer.MountAsync<ClusterPage>();
        time.Advance(TimeSpan.FromSeconds(1));

        // Warm up (JIT, caches), then measure.
        var warmup = Math.Min(100, updates / 2);
        for (var v = 1; v <= warmup; v++)
        {
            await PublishAsync(renderer, feed, time, published[v]);
        }

        renderer.Reset();
        var wall = new Samples();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (var v = warmup + 1; v <= updates; v++)
        {
            wall.Add(await PublishAsync(renderer, feed, time, published[v]));
        }

        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        var measured = updates - warmup;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{nodeCount,2} nodes x 8 GPUs, {measured} updates: CPU {cpu.TotalMilliseconds / measured:0.000} ms/update; " +
            $"per update {renderer.Components / (double)measured:0.0} components rendered ({renderer.NodeCards / (double)measured:0.0} node cards, " +
            $"{renderer.Tooltips / (double)measured:0.0} tooltips), {renderer.Edits / (double)measured:0.0} edits, " +
            $"{renderer.Bytes / (double)measured:0} bytes; publish -> page batch {wall.Describe()}"));
        Console.WriteLine("   most rendered: " + string.Join(", ", renderer.ByType.OrderByDescending(t => t.Value).Take(8)
            .Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Key} {t.Value / (double)measured:0.0}"))));
    }

    private static async Task<TimeSpan> PublishAsync(CountingRenderer renderer, ClusterFeed feed, FakeTimeProvider time, ClusterUpdate update)
    {
        time.Advance(TimeSpan.FromMilliseconds(200)); // past the feed's coalescing interval: every publish is delivered at once
        var pageRendered = renderer.NextRenderOf<ClusterPage>();
        var start = Stopwatch.GetTimestamp();
        feed.Publish(update);
        await pageRendered.WaitAsync(TimeSpan.FromSeconds(10));
        var elapsed = Stopwatch.GetElapsedTime(start);
        await renderer.Dispatcher.InvokeAsync(() => { }); // let follow-up renders (quota panel, popovers) settle on the dispatcher
        return elapsed;
    }

    /// <summary>JS interop that answers nothing, as loose bunit interop does: MudBlazor's calls find no browser here.</summary>
    private sealed class QuietJSRuntime : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => ValueTask.FromResult(default(TValue)!);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) => ValueTask.FromResult(default(TValue)!);
    }

    /// <summary>The page's address, which never changes here.</summary>
    private sealed class FixedNavigationManager : NavigationManager
    {
        public FixedNavigationManager() => Initialize("http://127.0.0.1/", "http://127.0.0.1/");
    }

    /// <summary>Blazor's own renderer with the display step replaced by counting what a browser would be sent.</summary>
    private sealed class CountingRenderer(IServiceProvider services) : Renderer(services, NullLoggerFactory.Instance)
    {
        private static readonly Type? BatchWriter = Type.GetType("Microsoft.AspNetCore.Components.Server.Circuits.RenderBatchWriter, Microsoft.AspNetCore.Components.Server");
        private readonly ConcurrentQueue<(Type Type, TaskCompletionSource Done)> watches = new();

        public override Dispatcher Dispatcher { get; } = Dispatcher.CreateDefault();

        protected override RendererInfo RendererInfo { get; } = new("Server", true);

        public long Components { get; private set; }

        public long NodeCards { get; private set; }

        public long Tooltips { get; private set; }

        public long Edits { get; private set; }

        public long Bytes { get; private set; }

        /// <summary>Renders per component type since the last <see cref="Reset"/>.</summary>
        public Dictionary<string, long> ByType { get; } = [];

        public void Reset()
        {
            (Components, NodeCards, Tooltips, Edits, Bytes) = (0, 0, 0, 0, 0);
            ByType.Clear();
        }

        public Task NextRenderOf<T>()
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            watches.Enqueue((typeof(T), done));
            return done.Task;
        }

        public Task MountAsync<T>()
            where T : IComponent => Dispatcher.InvokeAsync(() => RenderRootComponentAsync(AssignRootComponentId(InstantiateComponent(typeof(T)))));

        protected override void HandleException(Exception exception) => Console.Error.WriteLine(exception);

        protected override Task UpdateDisplayAsync(in RenderBatch batch)
        {
            var rendered = new HashSet<Type>();
            for (var i = 0; i < batch.UpdatedComponents.Count; i++)
            {
                var diff = batch.UpdatedComponents.Array[i];
                var type = GetComponentState(diff.ComponentId).Component.GetType();
                rendered.Add(type);
                Components++;
                ByType[type.Name] = ByType.GetValueOrDefault(type.Name) + 1;
                NodeCards += type.Name == "NodeCard" ? 1 : 0;
                Tooltips += type == typeof(MudTooltip) ? 1 : 0;
                Edits += diff.Edits.Count;
            }

            Bytes += Serialised(batch);
            while (watches.TryPeek(out var watch) && rendered.Contains(watch.Type) && watches.TryDequeue(out _))
            {
                watch.Done.TrySetResult();
            }

            return Task.CompletedTask;
        }

        /// <summary>The batch's size in Blazor Server's own binary format (its internal RenderBatchWriter), as the circuit would send it.</summary>
        private static long Serialised(in RenderBatch batch)
        {
            if (BatchWriter is null)
            {
                return 0;
            }

            using var stream = new MemoryStream();
            var writer = Activator.CreateInstance(BatchWriter, stream, true)!;
            BatchWriter.GetMethod("Write", BindingFlags.Public | BindingFlags.Instance)!.Invoke(writer, [batch]);
            ((IDisposable)writer).Dispose();
            return stream.Length;
        }
    }
}
