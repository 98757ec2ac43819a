using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.Jobs;
using Dashboard.Data.Recovery;
using Dashboard.Data.Writing;
using Dashboard.Engine.Elastic;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Persistence;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// A real engine on a real SQLite file in a temp folder: the loop, its journal, a simulated executor for demo nodes and
/// a local process executor for the "local" node. The engine's clock is fake; tests wait for states on the feed's
/// every publication (<see cref="WaitForAsync"/>), never on its coalesced deliveries.
/// </summary>
internal sealed class EngineHarness : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    public static readonly DateTimeOffset Start = new(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);

    private readonly bool ownsFolder;
    private readonly CancellationTokenSource stopping = new();
    private readonly ClusterWriter writer;
    private readonly LocalProcessExecutor localExecutor;
    private readonly SimulatedExecutor simulatedExecutor;

    private EngineHarness(string folder, bool ownsFolder, FakeTimeProvider clock, IReadOnlyList<Node> nodes, IReadOnlyList<TeamQuota> quotas, Func<IClusterJournal, IClusterJournal>? wrapJournal, Func<EngineInbox, FakeTimeProvider, ElasticScaling>? elastic, SchedulerSettings settings, IReadOnlyList<EngineParticipant> participants, Func<ClusterFeed, Dashboard.Engine.Metrics.EngineMetrics>? metrics, EngineOptions? options)
    {
        Folder = folder;
        this.ownsFolder = ownsFolder;
        Clock = clock;
        Database = Database.Open(new DatabaseOptions { DataFolder = folder }, clock);
        writer = new ClusterWriter(Database);
        Journal = new CountingJournal(new SqliteClusterJournal(writer));
        Inbox = new EngineInbox();
        Feed = new ClusterFeed(TimeProvider.System);
        Engine = new ClusterEngine(Inbox, Feed);
        // The records are hidden from jobs; the rest of the folder is shared, so the tests' pipes there reach them.
        var records = Path.Combine(folder, "job-records");
        localExecutor = new LocalProcessExecutor(
            new LocalExecutorOptions { PinCpus = false, AdoptedPollInterval = TimeSpan.FromMilliseconds(50) }, Execution.TestIsolation.Detect(records, folder), Path.Combine(folder, "jobs"), records, "local", Inbox, TimeProvider.System, NullLogger<LocalProcessExecutor>.Instance);
        simulatedExecutor = new SimulatedExecutor(Inbox, clock);
        var source = new FixedInventorySource(Database, nodes, quotas, settings);
        Elastic = elastic?.Invoke(Inbox, clock);
        Loop = new EngineLoop(Inbox, source, wrapJournal?.Invoke(Journal) ?? Journal, [localExecutor, simulatedExecutor], Feed, clock, options ?? new EngineOptions(), NullLogger<EngineLoop>.Instance, metrics?.Invoke(Feed), participants: [.. Elastic is null ? [] : new EngineParticipant[] { Elastic }, .. participants]);
        Jobs = new JobStore(Database);
    }

    public string Folder { get; }

    public FakeTimeProvider Clock { get; }

    public Database Database { get; }

    public CountingJournal Journal { get; }

    public EngineInbox Inbox { get; }

    public ClusterFeed Feed { get; }

    public ClusterEngine Engine { get; }

    public EngineLoop Loop { get; }

    public JobStore Jobs { get; }

    public ElasticScaling? Elastic { get; }

    public static Node SimulatedNode(string name, int gpus = 8) =>
        new(name, [.. Enumerable.Range(0, gpus).Select(i => new Gpu(i, "A100-80GB", 81920))], 64_000, 512 * 1024, Simulated: true);

    public static Node LocalNode(int gpus = 2) =>
        new("local", [.. Enumerable.Range(0, gpus).Select(i => new Gpu(i, "A100-80GB", 81920))], 4_000, 8 * 1024);

    public static TeamQuota Quota(string team, int gpus = 16) =>
        new(team, new ResourceAmount(gpus, 256_000, 2048 * 1024), new ResourceAmount(0, 0, 0));

    public static async Task<EngineHarness> StartAsync(
        IReadOnlyList<Node> nodes,
        IReadOnlyList<TeamQuota>? quotas = null,
        string? folder = null,
        FakeTimeProvider? clock = null,
        Func<IClusterJournal, IClusterJournal>? wrapJournal = null,
        Func<EngineInbox, FakeTimeProvider, ElasticScaling>? elastic = null,
        SchedulerSettings? settings = null,
        IReadOnlyList<EngineParticipant>? participants = null,
        Func<ClusterFeed, Dashboard.Engine.Metrics.EngineMetrics>? metrics = null,
        EngineOptions? options = null)
    {
        var owns = folder is null;
        folder ??= Directory.CreateTempSubdirectory("dashboard-engine-").FullName;
        var harness = new EngineHarness(folder, owns, clock ?? new FakeTimeProvider(Start), nodes, quotas ?? [Quota("vision")], wrapJournal, elastic, settings ?? SchedulerSettings.Default, participants ?? [], metrics, options);
        await harness.Loop.StartAsync(CancellationToken.None);
        await harness.Loop.Started.WaitAsync(Patience);
        return harness;
    }

    public static JobSpec Spec(string command = "true", int gpus = 1, TimeSpan? walltime = null, string team = "vision", string owner = "alice", long cpuMillicores = 1000) =>
        new("job", owner, team, command, new ResourceRequest(gpus, cpuMillicores, 256), Walltime: walltime ?? TimeSpan.FromMinutes(10));

    public async Task<JobId> SubmitAsync(JobSpec spec)
    {
        var result = await Engine.SubmitAsync(spec, spec.Owner).WaitAsync(Patience);
        result.Succeeded.Should().BeTrue(result.Reason);
        return result.Job!.Value;
    }

    /// <summary>
    /// Sends a submit named "blocker" and holds its commit until the returned release is called: the commands sent
    /// meanwhile wait in the inbox and make up the next batch. Returns once the commit is held.
    /// </summary>
    public async Task<(Task<CommandResult> Blocker, Action Release)> HoldABlockerAsync()
    {
        var gate = new TaskCompletionSource();
        var held = new TaskCompletionSource();
        Journal.Before = async changes =>
        {
            if (changes.OfType<JobSubmitted>().Any(s => s.Job.Spec.Name == "blocker"))
            {
                held.TrySetResult();
                await gate.Task;
            }
        };
        var blocker = Engine.SubmitAsync(Spec() with { Name = "blocker" }, "alice");
        await held.Task.WaitAsync(Patience);
        return (blocker, gate.SetResult);
    }

    /// <summary>
    /// Completes with the first published state (the current one included) that satisfies <paramref name="condition"/>.
    /// It sees every publication, uncoalesced, and needs no clock to move: an Advance of the fake clock is never needed
    /// to deliver it, so one can never land while a commit is in flight.
    /// </summary>
    public Task<ClusterUpdate> WaitForAsync(Func<ClusterUpdate, bool> condition) => Feed.WaitForAsync(condition).WaitAsync(Patience);

    /// <summary>
    /// Completes once every command sent before it has been applied, committed and its starts and stops handed to the
    /// executors and elastic providers (the loop takes the next batch only after that), with a command that changes
    /// nothing (a cancel of job 0, which never exists). A batch answers its commands before it hands work on, and the
    /// first round trip may share a batch with what came before it (a tick fired by the test's clock): the second one
    /// cannot, so once it is answered that batch's hand-offs are done. A submit is answered before its job is handed to
    /// its executor: a test that moves the clock to end a simulated job, or stops the engine, waits for this first.
    /// </summary>
    public async Task RoundTripAsync()
    {
        for (var trip = 0; trip < 2; trip++)
        {
            var refused = await Engine.CancelAsync(new JobId(0), "tests").WaitAsync(Patience);
            refused.Succeeded.Should().BeFalse("job 0 never exists, so the round trip changes nothing");
        }
    }

    /// <summary>
    /// The first publication whose waiting jobs' explanations were computed (off the writer) from <paramref name="state"/>
    /// or a later state: explanations follow the state they explain.
    /// </summary>
    public Task<ClusterUpdate> WaitForExplanationsAsync(ClusterUpdate state) => WaitForAsync(u => u.ExplanationsVersion >= state.Version);

    public Task<ClusterUpdate> WaitForStateAsync(JobId job, JobState state) => state switch
    {
        JobState.Pending => WaitForAsync(u => u.Snapshot.Pending.Find(job) is not null),
        JobState.Running => WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == job)),
        _ => WaitForEndAsync(job, state),
    };

    /// <summary>The publication that ended <paramref name="job"/> as <paramref name="state"/>, or the current one if it already had.</summary>
    private async Task<ClusterUpdate> WaitForEndAsync(JobId job, JobState state)
    {
        // The wait is registered before the stored state is read, so an end published in between is not missed.
        using var alreadyEnded = new CancellationTokenSource();
        var ended = Feed.WaitForAsync(u => u.Events.OfType<JobStateChangedEvent>().Any(e => e.Job == job && e.To == state), alreadyEnded.Token);
        if (!ended.IsCompleted && Feed.Current is { } now && now.Snapshot.Pending.Find(job) is null && !now.Snapshot.Running.Any(r => r.Job.Id == job)
            && Jobs.Find(job)?.State == state)
        {
            await alreadyEnded.CancelAsync();
            return now;
        }

        return await ended.WaitAsync(Patience);
    }

    /// <summary>Stops the engine as a server shutdown would: jobs on the local host keep running.</summary>
    public async Task StopAsync()
    {
        await Loop.StopAsync(CancellationToken.None);
        localExecutor.Dispose();
        simulatedExecutor.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Loop.Dispose();
        writer.Dispose();
        Database.Dispose();
        stopping.Dispose();
        if (ownsFolder)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }

    /// <summary>Recovers from the database like production and adds the given nodes and quotas as the inventory.</summary>
    private sealed class FixedInventorySource(Database database, IReadOnlyList<Node> nodes, IReadOnlyList<TeamQuota> quotas, SchedulerSettings settings) : IClusterStateSource
    {
        public Task<RecoveredState> LoadAsync(CancellationToken cancellationToken)
        {
            var recovered = ClusterRecovery.Load(database, settings);
            recovered.Violations.Should().BeEmpty();
            var reservations = new Dashboard.Data.Reservations.ReservationStore(database);
            return Task.FromResult(new RecoveredState(recovered.Snapshot with { Reservations = [.. reservations.Current(DateTimeOffset.UnixEpoch)] }, recovered.NextJobId.Value)
            {
                NextReservationId = reservations.NextId(),
                Inventory = nodes,
                SeedQuotas = quotas,
                CancelsInFlight = SqliteClusterStateSource.CancelsInFlight(new Dashboard.Data.Audit.AuditStore(database), recovered.Snapshot),
                PausedPools = new Dashboard.Data.Elastic.ElasticPoolStore(database).Paused(),
                ScaleHistory = new Dashboard.Data.Elastic.ScaleActionStore(database).LatestPerPool(ElasticScaling.RecentActions),
            });
        }
    }
}

/// <summary>Counts committed transactions and remembers each one's changes; can be told to fail or to wait.</summary>
internal sealed class CountingJournal(IClusterJournal inner) : IClusterJournal
{
    private readonly List<IReadOnlyList<ClusterChange>> committed = [];
    private readonly Lock gate = new();

    public Func<IReadOnlyList<ClusterChange>, Task>? Before { get; set; }

    public IReadOnlyList<IReadOnlyList<ClusterChange>> Committed
    {
        get
        {
            lock (gate)
            {
                return [.. committed];
            }
        }
    }

    public async Task CommitAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        if (Before is { } before)
        {
            await before(changes);
        }

        await inner.CommitAsync(changes, cancellationToken);
        lock (gate)
        {
            committed.Add([.. changes]);
        }
    }
}
