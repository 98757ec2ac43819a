using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Dashboard.Bench.Scheduling;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Components.Tests;
using Dashboard.Web.Identity;
using Dashboard.Web.Timeline;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Dashboard.Bench.Timeline;

/// <summary>
/// Server time of the timeline page per cluster update: building its view from the update and rendering the page to
/// HTML, with 1,000 nodes x 8 GPUs (one row per GPU model) and with 100 nodes (one row per node, every GPU lane drawn),
/// about 70% of GPUs busy, 2,000 jobs waiting with estimated starts (ranked, so some are backfilled) and 24 advance
/// reservations. Each update is a new snapshot (a few jobs
/// started or ended), as the engine publishes them. Usage: dotnet run -c Release --project bench/Dashboard.Bench.Timeline [-- --updates 200]
/// [--breakdown] (where a view's time goes: <see cref="TimelineBreakdown"/>)
/// </summary>
public static class TimelineBenchmark
{
    public static async Task Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        var at = Array.IndexOf(args, "--updates");
        var updates = at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 200;
        foreach (var line in MachineDescription.Lines())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(MachineDescription.Load());
        if (args.Contains("--breakdown"))
        {
            var viewer = new SignedInUser("root", UserRole.Admin, []);
            foreach (var nodes in new[] { 100, 1_000, 100, 1_000 })
            {
                TimelineBreakdown.Measure(nodes, updates, Build, viewer);
            }

            Console.WriteLine(MachineDescription.Load());
            return;
        }

        foreach (var nodes in new[] { 100, 1_000, 100, 1_000 })
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
        services.AddSingleton(feed);
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<NavigationManager, FixedNavigationManager>();
        services.AddSingleton<ICurrentUser>(new SignedInUser("root", UserRole.Admin, []));
        await using var provider = services.BuildServiceProvider();
        await using var renderer = new HtmlRenderer(provider, NullLoggerFactory.Instance);
        var viewer = provider.GetRequiredService<ICurrentUser>();

        var published = Enumerable.Range(0, updates + 20).Select(v => Build(nodeCount, v)).ToArray();
        var view = new Samples();
        var page = new Samples();
        var bytes = 0L;
        for (var v = 0; v < published.Length; v++)
        {
            feed.Publish(published[v]);
            var start = Stopwatch.GetTimestamp();
            // A copy of the snapshot, so the page's own view below lays the bookings out again (each snapshot is laid out once, then shared).
            _ = TimelineView.Of(published[v] with { Snapshot = published[v].Snapshot with { } }, TimelineWindow.DefaultSpan.Length, viewer);
            var viewTime = Stopwatch.GetElapsedTime(start);
            start = Stopwatch.GetTimestamp();
            var html = await renderer.Dispatcher.InvokeAsync(async () => (await renderer.RenderComponentAsync<TimelinePage>()).ToHtmlString());
            var pageTime = Stopwatch.GetElapsedTime(start);
            if (v >= 20)
            {
                view.Add(viewTime);
                page.Add(pageTime);
                bytes += html.Length;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{nodeCount,5} nodes x 8 GPUs, 2,000 waiting, {updates} updates: view {view.Describe()}, p95 {view.Percentile(95):0.00} ms; " +
            $"view + page render {page.Describe()}, p95 {page.Percentile(95):0.00} ms; {bytes / updates / 1024.0:0} KiB of HTML per render"));
    }

    /// <summary>About 70% of the GPUs busy (jobs of 1, 2, 4 or 8 GPUs with 1-24 h walltimes), 2,000 waiting jobs estimated over the next day.</summary>
    internal static ClusterUpdate Build(int nodeCount, int version)
    {
        var random = new Random(version);
        var cluster = new TestCluster().Team("vision").Team("nlp").Team("speech").Team("robotics");
        string[] teams = ["vision", "nlp", "speech", "robotics"];
        for (var node = 1; node <= nodeCount; node++)
        {
            cluster.Node($"gpu-{node:D4}");
            var lane = 0;
            while (lane < 8 && random.NextDouble() < 0.85)
            {
                var size = Math.Min(8 - lane, 1 << random.Next(0, 4));
                cluster.Run($"gpu-{node:D4}", [.. Enumerable.Range(lane, size)], teams[random.Next(teams.Length)], owner: $"user{random.Next(40)}",
                    walltime: TimeSpan.FromHours(1 + random.Next(24)), name: $"job-{node}-{lane}");
                lane += size;
            }
        }

        for (var waiting = 0; waiting < 2_000; waiting++)
        {
            var node = random.Next(1, nodeCount + 1);
            cluster.Waiting(teams[random.Next(teams.Length)], 1 << random.Next(0, 4), TestCluster.Now.AddMinutes(random.Next(1, 24 * 60)),
                node: random.NextDouble() < 0.9 ? $"gpu-{node:D4}" : null, owner: $"user{random.Next(40)}", walltime: TimeSpan.FromHours(1 + random.Next(8)));
        }

        // Ranked in submission order (job id), so the jobs estimated before one ranked ahead of them are marked backfilled.
        var update = cluster.Update(version);
        var explanations = update.Explanations.ToImmutableDictionary(e => e.Key, e => e.Value with { Reason = e.Value.Reason with { JobsAhead = (int)(e.Key.Value % 2_000) } });
        return update with { Explanations = explanations, Snapshot = update.Snapshot with { Reservations = Bookings(random, teams) } };
    }

    /// <summary>
    /// 24 approved advance reservations of 8 to 64 GPUs (a quarter of them daily), opening over the next day for 2 to 9
    /// hours: drawn as blocks (100 nodes) or counted per slice (1,000 nodes), each laid out as the scheduler does.
    /// </summary>
    private static ImmutableArray<AdvanceReservation> Bookings(Random random, string[] teams) =>
    [
        .. Enumerable.Range(1, 24).Select(id =>
        {
            var start = TestCluster.Now.AddHours(random.Next(0, 24));
            return new AdvanceReservation(id, $"booking {id}", "bench", teams[random.Next(teams.Length)], "A100-80GB", 8 << random.Next(0, 4), 8_000, 64 * 1024,
                start, start.AddHours(2 + random.Next(8)), id % 4 == 0 ? "0 9 * * *" : null);
        }),
    ];

    private sealed class FixedNavigationManager : NavigationManager
    {
        public FixedNavigationManager() => Initialize("http://127.0.0.1/", "http://127.0.0.1/timeline");
    }
}
