using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Data.Writing;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Dashboard.Web.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Jobs;

/// <summary>
/// The Jobs pages' fixture: a real SQLite file with jobs written the way the engine writes them, the real stores,
/// a real <see cref="ClusterEngine"/> whose commands the test reads from its <see cref="EngineInbox"/>, a job folder
/// for logs, a fake clock for the log poll, and "ada" as the current user.
/// </summary>
public abstract class JobsTest : ComponentTest
{
    public const string CurrentUserName = "ada";

    protected static readonly DateTimeOffset Now = TestCluster.Now;

    private readonly JobsTestBed bed;

    protected JobsTest()
        : this(new JobsTestBed(), _ => { })
    {
    }

    /// <summary>The fixture with <paramref name="moreServices"/> registered after its own (a later registration wins).</summary>
    protected JobsTest(Action<IServiceCollection> moreServices)
        : this(new JobsTestBed(), moreServices)
    {
    }

    private JobsTest(JobsTestBed bed, Action<IServiceCollection> moreServices)
        : base(services =>
        {
            bed.AddServices(services);
            moreServices(services);
        })
    {
        this.bed = bed;
        // A lead of both teams: the list shows other people's jobs of those teams too (members see only their own).
        SignInAs(new SignedInUser(CurrentUserName, Dashboard.Data.Users.UserRole.TeamLead, ["nlp", "vision"]));
        Render<MudPopoverProvider>();
        Dialogs = Render<MudDialogProvider>();
        SnackbarHost = Render<MudSnackbarProvider>();
    }

    /// <summary>Where snackbars render; it re-renders when one is added, so waits on it see them at once.</summary>
    protected IRenderedComponent<MudSnackbarProvider> SnackbarHost { get; }

    /// <summary>Where dialogs render (outside the page's markup).</summary>
    protected IRenderedComponent<MudDialogProvider> Dialogs { get; }

    protected FakeTimeProvider Time => bed.Time;

    protected Database Database => bed.Database;

    protected ClusterWriter Writer => bed.Writer;

    protected JobLogs Logs => bed.Logs;

    protected EngineInbox Inbox => bed.Inbox;

    protected IReadOnlyList<string> Snackbars => [.. Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message ?? "")];

    /// <summary>Clicks the element once it is there and its handler is current (a re-render may replace it meanwhile).</summary>
    protected static void ClickWhenReady(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> host, string selector) =>
        host.WaitForAssertion(() => host.Find(selector).Click(), Patience);

    protected static Node Node(string name, bool simulated = false) =>
        new(name, [.. Enumerable.Range(0, 8).Select(i => new Gpu(i, "A100-80GB", 81_920))], 64_000, 512 * 1024, NodeState.Ready, simulated);

    protected static Job Job(long id, string name = "train", string owner = CurrentUserName, string team = "vision", int gpus = 1, string command = "python train.py", int minutesAgo = 60) =>
        new(new JobId(id), new JobSpec(name, owner, team, command, new ResourceRequest(gpus, 4_000, 16 * 1024), Walltime: TimeSpan.FromHours(2)), Now.AddMinutes(-minutesAgo));

    protected void Submit(params Job[] jobs) => Writer.Write([.. jobs.Select(j => new JobSubmitted(j))]);

    /// <summary>Stores the job as started on <paramref name="node"/> with these GPUs, and returns its running form.</summary>
    protected RunningJob Start(Job job, Node node, params int[] gpus)
    {
        var allocation = new GpuAllocation(job.Id, node.Name, [.. gpus], 4_000, 16 * 1024, Now.AddMinutes(-30), Now.AddMinutes(90));
        Writer.Write([
            new NodeUpserted(node, Now.AddHours(-1)),
            new JobStateChanged(job.Id, JobState.Pending, JobState.Running, allocation.Start),
            new AllocationMade(allocation, Borrowing: false),
        ]);
        return new RunningJob(job, allocation, Borrowing: false);
    }

    protected void End(JobId job, JobState state, int? exitCode, string? reason)
    {
        Writer.Write([
            new AllocationReleased(job, Now.AddMinutes(-5)),
            new JobStateChanged(job, JobState.Running, state, Now.AddMinutes(-5), reason, exitCode),
        ]);
    }

    /// <summary>Publishes what the engine would: nodes, running and pending jobs, explanations, events.</summary>
    protected void Publish(
        IEnumerable<Node> nodes,
        IEnumerable<RunningJob>? running = null,
        IEnumerable<Job>? pending = null,
        IEnumerable<PendingExplanation>? explanations = null,
        IEnumerable<ClusterEvent>? events = null,
        long version = 1)
    {
        var snapshot = new ClusterSnapshot([.. nodes], [], PendingQueue.From(pending ?? []), [.. running ?? []], [], SchedulerSettings.Default);
        Feed.Publish(new ClusterUpdate(
            version,
            Now,
            snapshot,
            ClusterSummary.Of(snapshot),
            (explanations ?? []).ToImmutableDictionary(e => e.Job),
            [.. events ?? []]));
    }

    /// <summary>The next command the engine would take from its inbox, within the test's patience.</summary>
    internal async Task<EngineCommand> NextCommandAsync()
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await Inbox.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Types <paramref name="text"/> into the Jobs page's search box and lets the typing pause pass.</summary>
    protected async Task SearchAsync(IRenderedComponent<JobsPage> page, string text)
    {
        await page.InvokeAsync(() => page.Find("#text-filter").Input(text));
        Time.Advance(JobsPage.SearchPause);
    }

    protected void WriteLog(long job, string text)
    {
        var work = new JobWorkFolder(Logs.JobsRoot, new JobId(job));
        Directory.CreateDirectory(work.Path);
        File.AppendAllText(work.LogPath, text);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            bed.Dispose();
        }
    }

    /// <summary>What the fixture owns outside bunit: the database file, the job folders, the clock and the inbox.</summary>
    private sealed class JobsTestBed : IDisposable
    {
        private readonly string folder = Path.Combine(Path.GetTempPath(), "dashboard-web-jobs-tests", Guid.NewGuid().ToString("N"));

        public JobsTestBed()
        {
            Database = Data.Database.Open(new DatabaseOptions { DataFolder = Path.Combine(folder, "data") }, Time);
            Writer = new ClusterWriter(Database);
            Logs = new JobLogs(Path.Combine(folder, "jobs"));
        }

        public FakeTimeProvider Time { get; } = new(TestCluster.Now);

        public Database Database { get; }

        public ClusterWriter Writer { get; }

        public JobLogs Logs { get; }

        public EngineInbox Inbox { get; } = new();

        public void AddServices(IServiceCollection services)
        {
            services.AddSingleton(new JobStore(Database));
            services.AddSingleton(new AllocationStore(Database));
            services.AddSingleton(new Dashboard.Data.UsageHistory.UsageHistoryStore(Database));
            services.AddSingleton(new Dashboard.Data.JobControl.JobControlStore(Database));
            services.AddSingleton<JobBrowser>();
            services.AddSingleton(Logs);
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton(Inbox);
            services.AddSingleton(sp => new ClusterEngine(Inbox, sp.GetRequiredService<ClusterFeed>()));
            services.AddSingleton<ClusterCommands>();
            services.AddScoped<JobCancellation>();
            services.AddScoped<SweepActions>();
        }

        public void Dispose()
        {
            Writer.Dispose();
            Database.Dispose();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A pooled connection still holds the file; the OS cleans its temp folder.
            }
        }
    }
}
