using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.Recovery;
using Dashboard.Data.Writing;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Execution.Isolation;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Persistence;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Bench.Engine;

/// <summary>
/// The production engine on the real clock, a fresh SQLite file in a temp folder and one non-simulated node
/// "local" whose jobs the <see cref="LocalProcessExecutor"/> really runs; built the way the engine tests'
/// harness builds it, with timing decorators around the executor, the journal and the exit sink.
/// </summary>
public sealed class EngineOnLocalHost : IAsyncDisposable
{
    public const string Team = "bench";

    private readonly ClusterWriter writer;
    private readonly LocalProcessExecutor executor;
    private readonly IDisposable feedSubscription;
    private long feedDeliveries;

    private EngineOnLocalHost(string folder, int gpus, JobTimeline timeline)
    {
        Folder = folder;
        Timeline = timeline;
        var time = TimeProvider.System;
        Database = Database.Open(new DatabaseOptions { DataFolder = folder }, time);
        writer = new ClusterWriter(Database);
        var inbox = new EngineInbox();
        var feed = new ClusterFeed(time);
        Engine = new ClusterEngine(inbox, feed);
        var options = new LocalExecutorOptions { PinCpus = false };
        executor = new LocalProcessExecutor(options, LocalJobIsolation.Detect(options, [folder]), Path.Combine(folder, "jobs"), Path.Combine(folder, "job-records"), "local", new TimedExitSink(inbox, timeline), time, NullLogger<LocalProcessExecutor>.Instance);
        var source = new FixedInventory(Database, [LocalNode(gpus)], [Quota()]);
        var journal = new TimedJournal(new SqliteClusterJournal(writer), timeline);
        Loop = new EngineLoop(inbox, source, journal, [new TimedExecutor(executor, timeline)], feed, time, new EngineOptions(), NullLogger<EngineLoop>.Instance);

        // A dashboard always watches the feed; one subscriber that only counts what it is handed.
        feedSubscription = feed.Subscribe(_ =>
        {
            Interlocked.Increment(ref feedDeliveries);
            return Task.CompletedTask;
        });
    }

    public string Folder { get; }

    public JobTimeline Timeline { get; }

    public Database Database { get; }

    public ClusterEngine Engine { get; }

    public EngineLoop Loop { get; }

    public long FeedDeliveries => Interlocked.Read(ref feedDeliveries);

    public static async Task<EngineOnLocalHost> StartAsync(int gpus, JobTimeline timeline)
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-bench-engine-").FullName;
        var host = new EngineOnLocalHost(folder, gpus, timeline);
        await host.Loop.StartAsync(CancellationToken.None).ConfigureAwait(false);
        await host.Loop.Started.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return host;
    }

    /// <summary>A real node: 64 cores and 256 GiB in the record (the executor does not pin or check them), fake GPUs.</summary>
    public static Node LocalNode(int gpus) =>
        new("local", [.. Enumerable.Range(0, gpus).Select(i => new Gpu(i, "bench-gpu", 81920))], 64_000, 256 * 1024);

    public static TeamQuota Quota() =>
        new(Team, new ResourceAmount(Node.MaxGpusPerNode, 64_000, 256 * 1024), new ResourceAmount(0, 0, 0));

    /// <summary>What every benchmark job asks for: 1 GPU, 100 millicores, 64 MiB, 10 minutes, and runs <c>true</c>.</summary>
    public static JobSpec TrueJob(int index) =>
        new($"true-{index}", "bench", Team, "true", new ResourceRequest(1, 100, 64), Walltime: TimeSpan.FromMinutes(10));

    public async ValueTask DisposeAsync()
    {
        feedSubscription.Dispose();
        await Loop.StopAsync(CancellationToken.None).ConfigureAwait(false);
        executor.Dispose();
        Loop.Dispose();
        writer.Dispose();
        Database.Dispose();
    }

    /// <summary>Recovers from the (empty) database like production and offers the given node and quota.</summary>
    private sealed class FixedInventory(Database database, IReadOnlyList<Node> nodes, IReadOnlyList<TeamQuota> quotas) : IClusterStateSource
    {
        public Task<RecoveredState> LoadAsync(CancellationToken cancellationToken)
        {
            var recovered = ClusterRecovery.Load(database, SchedulerSettings.Default);
            if (recovered.Violations.Count > 0)
            {
                throw new InvalidOperationException("fresh database reports violations: " + string.Join("; ", recovered.Violations));
            }

            return Task.FromResult(new RecoveredState(recovered.Snapshot, recovered.NextJobId.Value) { Inventory = nodes, SeedQuotas = quotas });
        }
    }
}
