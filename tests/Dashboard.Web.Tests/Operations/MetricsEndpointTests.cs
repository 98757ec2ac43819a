using System.Net;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Operations;

/// <summary>
/// The engine's meter has one name in the whole process, and the exporter listens by name: these tests run alone
/// (no other test host alive), so what /metrics shows is this host's engine only.
/// </summary>
[CollectionDefinition(nameof(MetricsRunAlone), DisableParallelization = true)]
public sealed class MetricsRunAlone;

/// <summary>/metrics over a real socket, after a known sequence of jobs on a host whose clock is a FakeTimeProvider.</summary>
[Collection(nameof(MetricsRunAlone))]
public sealed class MetricsEndpointTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private const double GiB = 1024.0 * 1024 * 1024;

    [Fact]
    public async Task Exposes_capacity_allocation_jobs_by_state_queue_wait_pass_and_commit_series_after_a_known_sequence()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));
        await using var factory = new DashboardFactory { Clock = clock };
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var engine = factory.Services.GetRequiredService<ClusterEngine>();

        // Two demo nodes of 4 GPUs: A and B fill them, C and D wait; D is cancelled while pending.
        var a = await SubmitAsync(engine, "a", "alice", "vision", gpus: 4, cpus: 8, memGiB: 32, walltime: TimeSpan.FromMinutes(10));
        var b = await SubmitAsync(engine, "b", "bob", "nlp", gpus: 4, cpus: 8, memGiB: 32, walltime: TimeSpan.FromHours(4));
        var c = await SubmitAsync(engine, "c", "alice", "vision", gpus: 2, cpus: 4, memGiB: 16, walltime: TimeSpan.FromHours(4));
        var d = await SubmitAsync(engine, "d", "alice", "vision", gpus: 1, cpus: 1, memGiB: 1, walltime: TimeSpan.FromHours(4));
        engine.Feed.Current!.Snapshot.Running.Select(r => r.Job.Id).Should().BeEquivalentTo([a, b]);
        (await engine.CancelAsync(d, "alice")).Succeeded.Should().BeTrue();

        // A simulated job runs for half its walltime (10 minutes at most): after 5 minutes A succeeds and C starts, having waited 300 s.
        // Advancing fires A's exit into the engine's inbox before it returns; the cancel of B is answered after it.
        clock.Advance(TimeSpan.FromMinutes(5));
        var cancelB = await engine.CancelAsync(b, "bob");
        cancelB.Succeeded.Should().BeTrue(cancelB.Reason);
        var node = engine.Feed.Current!.Snapshot.Running.Should().ContainSingle(r => r.Job.Id == c).Subject.Allocation.Node;
        // Waited for on every publication, with the clock standing still: a clock moved while B's exit commits would count in the commit's duration.
        await engine.Feed.WaitForAsync(u => !u.Snapshot.Running.Any(r => r.Job.Id == b), TestContext.Current.CancellationToken).WaitAsync(Patience);

        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.OK, "an anonymous scrape from loopback is allowed by default");
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/plain");
        var metrics = new PrometheusText(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var other = node == "demo-gpu-01" ? "demo-gpu-02" : "demo-gpu-01";

        metrics.Value("dashboard_jobs", "state=running").Should().Be(1);
        metrics.Value("dashboard_jobs", "state=pending").Should().Be(0);
        metrics.Value("dashboard_jobs_submitted_total", "team=vision").Should().Be(3);
        metrics.Value("dashboard_jobs_submitted_total", "team=nlp").Should().Be(1);
        metrics.Value("dashboard_jobs_ended_total", "state=succeeded", "team=vision").Should().Be(1);
        metrics.Value("dashboard_jobs_ended_total", "state=cancelled", "team=vision").Should().Be(1);
        metrics.Value("dashboard_jobs_ended_total", "state=cancelled", "team=nlp").Should().Be(1);

        metrics.Value("dashboard_node_gpus", $"node={node}").Should().Be(4);
        metrics.Value("dashboard_node_gpus_allocated", $"node={node}").Should().Be(2);
        metrics.Value("dashboard_node_gpus_allocated", $"node={other}").Should().Be(0);
        metrics.Value("dashboard_node_cpu", $"node={node}").Should().Be(64);
        metrics.Value("dashboard_node_cpu_allocated", $"node={node}").Should().Be(4);
        metrics.Value("dashboard_node_memory_bytes", $"node={node}").Should().Be(512 * GiB);
        metrics.Value("dashboard_node_memory_allocated_bytes", $"node={node}").Should().Be(16 * GiB);

        metrics.Value("dashboard_team_gpus", "team=vision").Should().Be(12, "vision's nominal quota in appsettings.json");
        metrics.Value("dashboard_team_gpus_allocated", "team=vision").Should().Be(2);
        metrics.Value("dashboard_team_gpus_allocated", "team=nlp").Should().Be(0);
        metrics.Value("dashboard_team_cpu_allocated", "team=vision").Should().Be(4);
        metrics.Value("dashboard_team_memory_allocated_bytes", "team=vision").Should().Be(16 * GiB);

        // Queue waits: A and B started at once, C after 300 s.
        metrics.Value("dashboard_job_queue_wait_seconds_count", "team=vision").Should().Be(2);
        metrics.Value("dashboard_job_queue_wait_seconds_sum", "team=vision").Should().Be(300);
        metrics.Value("dashboard_job_queue_wait_seconds_bucket", "team=vision", "le=60").Should().Be(1);
        metrics.Value("dashboard_job_queue_wait_seconds_bucket", "team=vision", "le=300").Should().Be(2);
        metrics.Value("dashboard_job_queue_wait_seconds_count", "team=nlp").Should().Be(1);
        metrics.Value("dashboard_job_queue_wait_seconds_sum", "team=nlp").Should().Be(0);

        // Measured on the injected clock, which stands still between Advance calls: every pass and commit took 0 s.
        metrics.Value("dashboard_scheduling_pass_duration_seconds_count").Should().BeGreaterThanOrEqualTo(4);
        metrics.Value("dashboard_scheduling_pass_duration_seconds_sum").Should().Be(0);
        metrics.Value("dashboard_database_commit_duration_seconds_count").Should().BeGreaterThanOrEqualTo(6, "every submit, cancel and exit committed");
        metrics.Value("dashboard_database_commit_duration_seconds_sum").Should().Be(0);
        metrics.Value("dashboard_database_commit_duration_seconds_bucket", "le=0.0005").Should().Be(metrics.Value("dashboard_database_commit_duration_seconds_count"));
    }

    [Fact]
    public async Task Pass_and_commit_durations_are_real_seconds_on_the_system_clock()
    {
        await using var factory = new DashboardFactory();
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await SubmitAsync(factory.Services.GetRequiredService<ClusterEngine>(), "a", "alice", "vision", gpus: 1, cpus: 1, memGiB: 1, walltime: TimeSpan.FromHours(1));

        using var client = factory.CreateClient();
        var metrics = new PrometheusText(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), TestContext.Current.CancellationToken));

        metrics.Value("dashboard_database_commit_duration_seconds_sum").Should().BeGreaterThan(0).And.BeLessThan(60);
        metrics.Value("dashboard_scheduling_pass_duration_seconds_sum").Should().BeGreaterThan(0).And.BeLessThan(60);
    }

    private static async Task<JobId> SubmitAsync(ClusterEngine engine, string name, string owner, string team, int gpus, int cpus, int memGiB, TimeSpan walltime)
    {
        var spec = new JobSpec(name, owner, team, "python train.py", new ResourceRequest(gpus, cpus * 1000L, memGiB * 1024L), Walltime: walltime);
        var result = await engine.SubmitAsync(spec, owner).WaitAsync(Patience);
        result.Succeeded.Should().BeTrue(result.Reason);
        return result.Job!.Value;
    }
}
