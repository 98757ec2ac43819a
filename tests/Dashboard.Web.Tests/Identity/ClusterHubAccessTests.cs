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
