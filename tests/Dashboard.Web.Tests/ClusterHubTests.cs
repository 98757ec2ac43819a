using System.Net;
using System.Threading.Channels;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Live;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests;

/// <summary>A real SignalR client over a real socket to a real Kestrel server running the real engine.</summary>
public sealed class ClusterHubTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_client_gets_the_summary_on_connect_and_a_change_event_after_a_submit()
    {
        await using var factory = new DashboardFactory();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var engineLoop = factory.Services.GetRequiredService<EngineLoop>();
        await engineLoop.Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var (http, cookies) = await SignIn.OverSocketAsync(factory, "admin");
        using var _ = http;
        var summaries = Channel.CreateUnbounded<ClusterSummary>();
        var jobChanges = Channel.CreateUnbounded<JobChangeMessage>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(http.BaseAddress!, ClusterHub.Path), o => o.Cookies = cookies)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        connection.On<ClusterSummary>(nameof(IClusterClient.Summary), s => summaries.Writer.TryWrite(s));
        connection.On<JobChangeMessage>(nameof(IClusterClient.JobChanged), c => jobChanges.Writer.TryWrite(c));

        await connection.StartAsync(TestContext.Current.CancellationToken);
        var first = await summaries.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience);

        first.GpusTotal.Should().Be(8, "two simulated demo nodes with four GPUs each");
        first.GpusUsed.Should().Be(0);
        first.Nodes.Should().OnlyContain(n => n.Simulated);

        var engine = factory.Services.GetRequiredService<ClusterEngine>();
        var spec = new JobSpec("train", "alice", "vision", "python train.py", new ResourceRequest(2, 4000, 8192), Walltime: TimeSpan.FromHours(1));
        var submitted = await engine.SubmitAsync(spec, "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);

        JobChangeMessage change;
        do
        {
            change = await jobChanges.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience);
        }
        while (change.To != nameof(JobState.Running));

        change.Job.Should().Be(submitted.Job!.Value.Value);
        change.Owner.Should().Be("alice");
        change.Node.Should().StartWith("demo-gpu-");
        change.GpuIndices.Should().HaveCount(2);
        change.Simulated.Should().BeTrue("demo nodes are labelled simulated in every event");

        ClusterSummary summary;
        do
        {
            summary = await summaries.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience);
        }
        while (summary.GpusUsed == 0);

        summary.GpusUsed.Should().Be(2);
        summary.RunningJobs.Should().Be(1);
    }

    [Fact]
    public async Task A_real_command_on_this_host_runs_ends_and_frees_its_node_as_a_client_watches()
    {
        await using var factory = new DashboardFactory { LocalNode = true };
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var (http, cookies) = await SignIn.OverSocketAsync(factory, "admin");
        using var _ = http;
        var jobChanges = Channel.CreateUnbounded<JobChangeMessage>();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(http.BaseAddress!, ClusterHub.Path), o => o.Cookies = cookies)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()))
            .Build();
        connection.On<JobChangeMessage>(nameof(IClusterClient.JobChanged), c => jobChanges.Writer.TryWrite(c));
        await connection.StartAsync(TestContext.Current.CancellationToken);

        var engine = factory.Services.GetRequiredService<ClusterEngine>();
        var spec = new JobSpec("hello", "alice", "vision", "echo hello from $DASHBOARD_JOB_ID", new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromMinutes(5));
        var submitted = await engine.SubmitAsync(spec, "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);

        var seen = new List<JobChangeMessage>();
        while (!seen.Any(c => c.To == nameof(JobState.Succeeded)))
        {
            seen.Add(await jobChanges.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(Patience));
        }

        seen.Select(c => c.To).Should().ContainInOrder(nameof(JobState.Running), nameof(JobState.Succeeded));
        var running = seen.First(c => c.To == nameof(JobState.Running));
        running.Node.Should().Be(DashboardFactory.LocalNodeName);
        running.Simulated.Should().BeFalse("it really ran on this host");
        var log = Path.Combine(factory.DataFolder, "jobs", submitted.Job!.Value.ToString(), "output.log");
        (await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken)).Should().Contain($"hello from {submitted.Job.Value}");
        var summary = factory.Services.GetRequiredService<ClusterEngine>().Feed.Current!.Summary;
        summary.Nodes.Single(n => n.Name == DashboardFactory.LocalNodeName).CpuMillicoresUsed.Should().Be(0, "the job's CPU was released");
    }
}
