using System.Net;
using System.Threading.Channels;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Identity;

/// <summary>The hub over a real socket: only signed-in users connect, and each hears only the jobs its role may see.</summary>
public sealed class ClusterHubAccessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_anonymous_client_is_refused_with_401()
    {
        await using var factory = Started();
        using var http = factory.CreateClient();
        await using var connection = new HubConnectionBuilder().WithUrl(new Uri(http.BaseAddress!, ClusterHub.Path)).Build();

        var connect = () => connection.StartAsync(TestContext.Current.CancellationToken);

        (await connect.Should().ThrowAsync<HttpRequestException>()).Which.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_member_hears_their_own_jobs_a_lead_their_teams_jobs_and_an_admin_every_job()
    {
        await using var factory = Started();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var alice = await ListenAsync(factory, "alice");
        var lead = await ListenAsync(factory, "lead");
        var admin = await ListenAsync(factory, "admin");
        var bob = await ListenAsync(factory, "bob");
        var engine = factory.Services.GetRequiredService<ClusterEngine>();

        // bob's (nlp) job first, then alice's (vision): the relay sends in order, so a listener's first job event
        // being alice's proves it never got bob's.
        var bobsJob = (await engine.SubmitAsync(Spec("bob", "nlp"), "bob")).Job!.Value.Value;
        var alicesJob = (await engine.SubmitAsync(Spec("alice", "vision"), "alice")).Job!.Value.Value;

        (await alice.FirstJobAsync()).Should().Be(alicesJob, "a member does not hear another member's job");
        (await lead.FirstJobAsync()).Should().Be(alicesJob, "the vision lead does not hear nlp's job");
        (await admin.FirstJobAsync()).Should().Be(bobsJob, "an admin hears every job");
        (await bob.FirstJobAsync()).Should().Be(bobsJob);

        foreach (var listener in new[] { alice, lead, admin, bob })
        {
            await listener.DisposeAsync();
        }
    }

    /// <summary>
    /// The visibility rule over the hub's whole payload: whatever alice (vision member) and the vision lead hear (the
    /// summary, node changes, job changes), serialised as it went over the wire, never names bob's nlp job's owner or
    /// id, while bob hears his own.
    /// </summary>
    [Fact]
    public async Task No_payload_a_listener_hears_names_a_job_it_may_not_open()
    {
        await using var factory = Started();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var alice = await RecordAsync(factory, "alice");
        var lead = await RecordAsync(factory, "lead");
        var bob = await RecordAsync(factory, "bob");
        var engine = factory.Services.GetRequiredService<ClusterEngine>();

        var bobsJob = (await engine.SubmitAsync(Spec("bob", "nlp"), "bob")).Job!.Value.Value;
        var alicesJob = (await engine.SubmitAsync(Spec("alice", "vision"), "alice")).Job!.Value.Value;
        // The relay sends in order: once a listener heard alice's job start, it has heard all it will of bob's.
        await Task.WhenAll(alice.HeardAsync(alicesJob, "Running"), lead.HeardAsync(alicesJob, "Running"), bob.HeardAsync(bobsJob, "Running"));

        foreach (var listener in new[] { alice, lead })
        {
            listener.Payloads.Should().Contain(p => p.StartsWith("Summary ", StringComparison.Ordinal), "the summary is for everyone");
            listener.Payloads.Should().NotContain(p => p.Contains("\"owner\":\"bob\"", StringComparison.Ordinal) || p.Contains("\"team\":\"nlp\"", StringComparison.Ordinal)
                || p.Contains($"\"job\":{bobsJob},", StringComparison.Ordinal));
        }

        bob.Payloads.Should().Contain(p => p.Contains("\"owner\":\"bob\"", StringComparison.Ordinal) && p.Contains($"\"job\":{bobsJob},", StringComparison.Ordinal));
        foreach (var listener in new[] { alice, lead, bob })
        {
            await listener.DisposeAsync();
        }
    }

    private static async Task<Recorder> RecordAsync(DashboardFactory factory, string user)
    {
        var (http, cookies) = await SignIn.OverSocketAsync(factory, user);
        var recorder = new Recorder(new HubConnectionBuilder()
            .WithUrl(new Uri(http.BaseAddress!, ClusterHub.Path), o => o.Cookies = cookies)
            .Build());
        var json = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        recorder.Connection.On<System.Text.Json.JsonElement>(nameof(IClusterClient.Summary), e => recorder.Add("Summary " + e.GetRawText()));
        recorder.Connection.On<System.Text.Json.JsonElement>(nameof(IClusterClient.NodeChanged), e => recorder.Add("NodeChanged " + e.GetRawText()));
        recorder.Connection.On<System.Text.Json.JsonElement>(nameof(IClusterClient.JobChanged), e => recorder.Add("JobChanged " + e.GetRawText(), System.Text.Json.JsonSerializer.Deserialize<JobChangeMessage>(e, json)));
        await recorder.Connection.StartAsync(TestContext.Current.CancellationToken);
        http.Dispose();
        return recorder;
    }

    /// <summary>Every payload one listener heard, as the JSON that came over the wire.</summary>
    private sealed class Recorder(HubConnection connection) : IAsyncDisposable
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> payloads = new();
        private readonly Channel<JobChangeMessage> jobs = Channel.CreateUnbounded<JobChangeMessage>();

        public HubConnection Connection { get; } = connection;

        public IReadOnlyList<string> Payloads => [.. payloads];

        public void Add(string payload, JobChangeMessage? job = null)
        {
            payloads.Enqueue(payload);
            if (job is not null)
            {
                jobs.Writer.TryWrite(job);
            }
        }

        /// <summary>Completes when a change of <paramref name="job"/> to <paramref name="state"/> was heard.</summary>
        public async Task HeardAsync(long job, string state)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            timeout.CancelAfter(Patience);
            await foreach (var change in jobs.Reader.ReadAllAsync(timeout.Token))
            {
                if (change.Job == job && change.To == state)
                {
                    return;
                }
            }
        }

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }

    private static JobSpec Spec(string owner, string team) =>
        new("hub-access", owner, team, "python train.py", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));

    private static DashboardFactory Started()
    {
        var factory = new DashboardFactory();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return factory;
    }

    private static async Task<Listener> ListenAsync(DashboardFactory factory, string user)
    {
        var (http, cookies) = await SignIn.OverSocketAsync(factory, user);
        var jobs = Channel.CreateUnbounded<JobChangeMessage>();
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(http.BaseAddress!, ClusterHub.Path), o => o.Cookies = cookies)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        connection.On<JobChangeMessage>(nameof(IClusterClient.JobChanged), c => jobs.Writer.TryWrite(c));
        await connection.StartAsync(TestContext.Current.CancellationToken);
        http.Dispose();
        return new Listener(connection, jobs.Reader);
    }

    private sealed record Listener(HubConnection Connection, ChannelReader<JobChangeMessage> Jobs) : IAsyncDisposable
    {
        public async Task<long> FirstJobAsync() => (await Jobs.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience)).Job;

        public ValueTask DisposeAsync() => Connection.DisposeAsync();
    }
}
