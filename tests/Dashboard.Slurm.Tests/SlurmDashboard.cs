using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dashboard.Api.Contracts;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Slurm.Tests;

/// <summary>
/// The real app on a real Kestrel socket with Cluster:Slurm pointing at the test cluster, no local or demo node (so
/// every job goes to Slurm), and its data in a folder of its own that a restart can reuse. alice's jobs run as
/// <see cref="SlurmCluster.JobUser"/>.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmDashboard : WebApplicationFactory<Program>
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly SlurmCluster cluster;
    private readonly bool ownsFolder;
    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly List<HttpClient> clients = [];

    private SlurmDashboard(SlurmCluster cluster, string dataFolder, bool ownsFolder)
    {
        this.cluster = cluster;
        DataFolder = dataFolder;
        this.ownsFolder = ownsFolder;
    }

    public string DataFolder { get; }

    /// <summary>How long a started job may stay pending in Slurm before it is requeued (long unless a test shortens it).</summary>
    public TimeSpan PendingTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often the dashboard reads Slurm. A test that must act while the dashboard's view is behind Slurm's makes it
    /// an hour and polls itself with <see cref="PollAsync"/>.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    public Uri Address { get; private set; } = null!;

    /// <summary>What the dashboard logged (Information and above).</summary>
    public CapturedLog Log { get; } = new();

    public ClusterEngine Engine => Services.GetRequiredService<ClusterEngine>();

    /// <summary>Starts a dashboard on a new data folder, or (a restart) on <paramref name="dataFolder"/>, which it then leaves in place.</summary>
    public static async Task<SlurmDashboard> StartAsync(SlurmCluster cluster, string? dataFolder = null, TimeSpan? pendingTimeout = null, TimeSpan? pollInterval = null)
    {
        var folder = dataFolder ?? Directory.CreateTempSubdirectory("dashboard-slurm-").FullName;
        // Slurm runs the jobs as their owners' Unix users: they pass through the data folder to their own job folder.
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        var host = new SlurmDashboard(cluster, folder, dataFolder is null) { PendingTimeout = pendingTimeout ?? TimeSpan.FromMinutes(5), PollInterval = pollInterval ?? TimeSpan.FromMilliseconds(250) };
        host.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        host.StartServer();
        await host.Services.GetRequiredService<DemoAccounts>().Seeded.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await host.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using (var probe = host.CreateClient())
        {
            host.Address = probe.BaseAddress!;
        }

        // Both Slurm nodes are in the dashboard and Ready before a test submits.
        static bool BothReady(ClusterUpdate? u) => u is not null && u.Snapshot.Nodes.Count(n => n.Name is "node1" or "node2" && n.State == NodeState.Ready) == 2;
        if (host.PollInterval > TimeSpan.FromSeconds(5))
        {
            // Its own timer would not poll again within the wait (a first poll may find a node still settling after
            // another test): the test's polls bring the nodes.
            await host.PollUntilAsync(() => Task.FromResult(BothReady(host.Engine.Feed.Current)), "both Slurm nodes Ready");
        }
        else
        {
            await host.WaitForAsync(u => BothReady(u), "both Slurm nodes Ready");
        }
        return host;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new Dictionary<string, string>
        {
            ["Database:DataFolder"] = DataFolder,
            ["Cluster:LocalNode:Enabled"] = "false",
            ["Cluster:DemoNodes:Enabled"] = "false",
            ["ElasticPools:0:MaxNodes"] = "0",
            ["Usage:DemoHistoryDays"] = "0",
            ["Executor:UnixUsers:alice"] = SlurmCluster.JobUser,
            ["Executor:UnixUsers:bob"] = SlurmCluster.JobUser,
            ["Cluster:Slurm:Enabled"] = "true",
            ["Cluster:Slurm:RestUrl"] = cluster.RestUrl.ToString(),
            ["Cluster:Slurm:JwtKeyFile"] = cluster.JwtKeyFile,
            ["Cluster:Slurm:AdminUser"] = "root",
            ["Cluster:Slurm:Partitions:0"] = "dash",
            ["Cluster:Slurm:PollInterval"] = PollInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Cluster:Slurm:PendingTooLongSeconds"] = ((int)PendingTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture),
            ["Cluster:Slurm:SlurmConf"] = cluster.SlurmConf,
            ["Cluster:Slurm:ScontrolPath"] = "/usr/bin/scontrol",
        };
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Log));
    }

    /// <summary>A client that sends <paramref name="user"/>'s personal token.</summary>
    public HttpClient As(string user)
    {
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenOf(user));
        clients.Add(client);
        return client;
    }

    /// <summary><paramref name="user"/>'s personal API token (made once per dashboard), as dash sends it.</summary>
    public string TokenOf(string user)
    {
        string token;
        lock (tokens)
        {
            if (!tokens.TryGetValue(user, out token!))
            {
                var account = Services.GetRequiredService<UserStore>().Find(user)!;
                var outcome = Services.GetRequiredService<ApiTokens>().Create(SignedInUser.Of(account), "slurm tests");
                outcome.Succeeded.Should().BeTrue(outcome.Error);
                token = outcome.Created!.Secret;
                tokens[user] = token;
            }
        }

        return token;
    }

    /// <summary>Submits through the API as <paramref name="client"/>'s user; answers the job as created.</summary>
    public static async Task<JobView> SubmitAsync(HttpClient client, string command, int gpus = 0, string walltime = "1h", string? gpuModel = null, string name = "slurm-job")
    {
        ArgumentNullException.ThrowIfNull(client);
        var model = gpuModel is null ? string.Empty : $", \"gpuModel\": \"{gpuModel}\"";
        var body = $$"""{"name": "{{name}}", "command": {{System.Text.Json.JsonSerializer.Serialize(command)}}, "team": "vision", "gpus": {{gpus}}, "cpu": 1, "memory": 1, "walltime": "{{walltime}}"{{model}}}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await response.Content.ReadFromJsonAsync<JobView>(TestContext.Current.CancellationToken))!;
    }

    public static async Task<JobView> ReadJobAsync(HttpClient client, long id)
    {
        ArgumentNullException.ThrowIfNull(client);
        return (await client.GetFromJsonAsync<JobView>(new Uri(ApiRoutes.Job(id), UriKind.Relative), TestContext.Current.CancellationToken))!;
    }

    /// <summary>One poll of Slurm now (inventory, node states, the jobs' mirror, the corrections), as the dashboard's timer does.</summary>
    public Task PollAsync() => Services.GetRequiredService<SlurmSync>().PollAsync(TestContext.Current.CancellationToken);

    /// <summary>Polls Slurm (<see cref="PollAsync"/>) until <paramref name="condition"/> holds, within <see cref="Patience"/>.</summary>
    public Task PollUntilAsync(Func<Task<bool>> condition, string what) =>
        SlurmCluster.EventuallyAsync(
            async () =>
            {
                await PollAsync();
                return await condition();
            },
            what);

    /// <summary>Waits on the engine's feed (every publication) until <paramref name="condition"/> holds.</summary>
    public async Task<ClusterUpdate> WaitForAsync(Func<ClusterUpdate, bool> condition, string what)
    {
        try
        {
            return await Engine.Feed.WaitForAsync(condition, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"waited {Patience.TotalSeconds} s for {what}");
        }
    }

    /// <summary>The Slurm job a dashboard job was submitted as (waits for the submit).</summary>
    public async Task<long> SlurmJobOfAsync(long job)
    {
        var links = Services.GetRequiredService<Dashboard.Data.Slurm.SlurmJobStore>();
        long? found = null;
        await SlurmCluster.EventuallyAsync(
            () =>
            {
                found = links.Find(new JobId(job))?.SlurmJobId;
                if (found is null && Engine.Feed.Current is { } update && HasEnded(job)(update))
                {
                    var ended = Services.GetRequiredService<Dashboard.Data.Jobs.JobStore>().Find(new JobId(job));
                    throw new InvalidOperationException($"job {job} ended without reaching Slurm: {ended?.State} {ended?.Reason}");
                }

                return Task.FromResult(found is not null);
            },
            $"job {job} to reach Slurm");
        return found!.Value;
    }

    public static Func<ClusterUpdate, bool> IsRunning(long id) => u => u.Snapshot.Running.Any(r => r.Job.Id.Value == id);

    public static Func<ClusterUpdate, bool> HasEnded(long id) => u => u.Snapshot.Pending.Find(new JobId(id)) is null && !IsRunning(id)(u);

    public static Func<ClusterUpdate, bool> IsPending(long id) => u => u.Snapshot.Pending.Find(new JobId(id)) is not null;

    public override async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await base.DisposeAsync();
        if (ownsFolder && Directory.Exists(DataFolder))
        {
            Directory.Delete(DataFolder, recursive: true);
        }
    }
}
