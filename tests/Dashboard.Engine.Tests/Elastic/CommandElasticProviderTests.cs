using System.Text.Json.Nodes;
using Dashboard.Data.Audit;
using Dashboard.Data.Elastic;
using Dashboard.Engine.Elastic;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Elastic;

/// <summary>
/// The command provider with a real child process (Fixtures/elastic-provider.sh records its stdin and answers by mode):
/// what it is sent, what it may answer, and the whole flow through the engine.
/// </summary>
public sealed class CommandElasticProviderTests : IDisposable
{
    private static readonly ElasticNodeShape Shape = new(8, "A100-80GB", 81920, 64_000, 512 * 1024);
    private static readonly ProvisionRequest Request = new("burst", 2, Shape, "scaling up 2 x 8-GPU nodes for 3 pending jobs", ["burst-1", "burst-2"]);
    private readonly TempFolder record = new();

    [Fact]
    public async Task The_request_goes_to_stdin_as_JSON_and_the_answer_becomes_ready_nodes_of_the_pool()
    {
        var nodes = await Provider("ok").ProvisionAsync(Request, CancellationToken.None);

        nodes.Select(n => (n.Name, n.State, n.Pool, n.Simulated, n.Gpus.Length, n.CpuMillicores)).Should().Equal(
            ("burst-1", NodeState.Ready, "burst", true, 8, 64_000L),
            ("burst-2", NodeState.Ready, "burst", true, 8, 64_000L));
        var sent = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(record.Path, "call-001.json")))!;
        sent["action"]!.GetValue<string>().Should().Be("provision");
        sent["pool"]!.GetValue<string>().Should().Be("burst");
        sent["count"]!.GetValue<int>().Should().Be(2);
        sent["reason"]!.GetValue<string>().Should().Be("scaling up 2 x 8-GPU nodes for 3 pending jobs");
        sent["names"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("burst-1", "burst-2");
        sent["shape"]!.ToJsonString().Should().Be("""{"gpus":8,"gpuModel":"A100-80GB","gpuMemoryMiB":81920,"cpuCores":64,"memoryGiB":512}""");
    }

    [Fact]
    public async Task A_release_sends_the_nodes_and_reason()
    {
        await Provider("ok").ReleaseAsync(new ReleaseRequest("burst", ["burst-1"], "idle for 5 min"), CancellationToken.None);

        (await File.ReadAllTextAsync(Path.Combine(record.Path, "call-001.json"))).Should().Be("""{"action":"release","pool":"burst","nodes":["burst-1"],"reason":"idle for 5 min"}""");
    }

    [Theory]
    [InlineData("fail", "no capacity in zone eu-1")]
    [InlineData("malformed", "the provider's output breaks the protocol: nodes[1] has no name; no node was registered")]
    [InlineData("garbage", "the provider's output breaks the protocol: it is not JSON")]
    [InlineData("remote", "the provider's output breaks the protocol: nodes[0] (burst-1) is not \"simulated\": true; this server runs jobs only on its own host and on simulated nodes, and has no executor for another machine; no node was registered")]
    public async Task A_failure_or_output_that_breaks_the_protocol_is_a_clear_error(string mode, string message)
    {
        var act = () => Provider(mode).ProvisionAsync(Request, CancellationToken.None);

        (await act.Should().ThrowAsync<ElasticProviderException>()).Which.Message.Should().StartWith(message);
    }

    [Fact]
    public async Task A_provider_that_does_not_answer_in_time_is_stopped()
    {
        var act = () => Provider("slow", TimeSpan.FromSeconds(1)).ProvisionAsync(Request, CancellationToken.None);

        (await act.Should().ThrowAsync<ElasticProviderException>()).Which.Message.Should().Be("the provider did not answer within 1 s and was stopped");
    }

    [Fact]
    public async Task An_executable_that_cannot_start_is_a_clear_error()
    {
        var provider = new CommandElasticProvider(new CommandProviderOptions { Executable = "/no/such/provider", Timeout = TimeSpan.FromSeconds(5) }, record.Path);

        var act = () => provider.ProvisionAsync(Request, CancellationToken.None);

        (await act.Should().ThrowAsync<ElasticProviderException>()).Which.Message.Should().StartWith("the provider /no/such/provider could not be started");
    }

    [Fact]
    public async Task Through_the_engine_more_GPU_jobs_than_the_cluster_holds_run_on_commanded_nodes_which_are_handed_back_after_the_cool_down()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-1")], [Quota("vision", gpus: 24)], elastic: ElasticTestPools.Command(record.Path, "ok"));
        var first = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        var second = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        var third = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        engine.Clock.Advance(TimeSpan.FromSeconds(29));
        await engine.RoundTripAsync();
        Calls().Should().BeEmpty("the demand has not lasted the scale-up delay");

        // The script answers at once; both new nodes take the queued jobs in the pass after the answer.
        var placed = engine.WaitForAsync(u => u.Snapshot.Running.Count(r => r.Allocation.Node.StartsWith("burst-", StringComparison.Ordinal)) == 2);
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var running = await placed;
        running.Snapshot.Running.Where(r => r.Job.Id == second || r.Job.Id == third).Select(r => r.Allocation.Node).Should().BeEquivalentTo(["burst-1", "burst-2"]);
        running.Snapshot.Nodes.Where(n => n.Pool == "burst").Should().HaveCount(2).And.OnlyContain(n => n.State == NodeState.Ready && n.Simulated);
        running.Summary.GpusTotal.Should().Be(24);
        Calls().Should().ContainSingle().Which.Should().Be(
            """{"action":"provision","pool":"burst","count":2,"reason":"scaling up 2 x 8-GPU nodes for 2 pending jobs","names":["burst-1","burst-2"],"shape":{"gpus":8,"gpuModel":"A100-80GB","gpuMemoryMiB":81920,"cpuCores":64,"memoryGiB":512}}""");
        await engine.RoundTripAsync();

        // Simulated jobs run for half their walltime: all three have ended 5 minutes after the last one started.
        var ended = Task.WhenAll(engine.WaitForStateAsync(second, JobState.Succeeded), engine.WaitForStateAsync(third, JobState.Succeeded));
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        await ended;
        await engine.RoundTripAsync();
        new[] { first, second, third }.Select(j => engine.Jobs.Find(j)!.State).Should().OnlyContain(s => s == JobState.Succeeded);
        var allocations = new Dashboard.Data.Allocations.AllocationStore(engine.Database);
        new[] { second, third }.Select(j => allocations.ForJob(j).Single().Allocation.Node).Should().BeEquivalentTo(["burst-1", "burst-2"]);

        engine.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        await engine.RoundTripAsync();
        Calls().Should().ContainSingle("the cool-down has not passed");

        var gone = engine.WaitForAsync(u => !u.Snapshot.Nodes.Any(n => n.Pool == "burst"));
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        (await gone).Summary.GpusTotal.Should().Be(8);

        // The two hand-backs run side by side: one call per node, in either order.
        Calls().Skip(1).Should().BeEquivalentTo(
            """{"action":"release","pool":"burst","nodes":["burst-1"],"reason":"idle for 5 min; handed back to pool burst"}""",
            """{"action":"release","pool":"burst","nodes":["burst-2"],"reason":"idle for 5 min; handed back to pool burst"}""");
        var history = new ScaleActionStore(engine.Database).ForPool("burst").Reverse().ToList();
        history.Select(a => a.Kind).Should().Equal(ScaleActionKind.ScaleUp, ScaleActionKind.Provisioned, ScaleActionKind.Release, ScaleActionKind.Release, ScaleActionKind.Released, ScaleActionKind.Released);
        new AuditStore(engine.Database).ForTarget("pool:burst", limit: 20).Select(e => e.Entry.Action).Reverse().Should().Equal(history.Select(a => a.AuditAction));
        new Dashboard.Data.Nodes.NodeStore(engine.Database).All().Should().NotContain(n => n.Node.Pool == "burst", "nodes handed back are no longer nodes of the cluster");
    }

    [Fact]
    public async Task Through_the_engine_malformed_output_registers_nothing_and_the_node_says_why()
    {
        var pool = ElasticTestPools.Burst(ElasticPoolOptions.CommandProvider);
        pool.ScaleUpDelay = TimeSpan.Zero;
        pool.Attempts = 1;
        await using var engine = await StartAsync([SimulatedNode("demo-1")], elastic: ElasticTestPools.Command(record.Path, "malformed", pool));
        await engine.SubmitAsync(Spec(gpus: 8));
        await engine.SubmitAsync(Spec(gpus: 8));

        var failed = await engine.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "burst-1" && n.State == NodeState.Failed));

        failed.Snapshot.Nodes.Should().NotContain(n => n.Name == "half-registered");
        failed.Snapshot.Nodes.Where(n => n.Pool == "burst").Should().ContainSingle();
        failed.ElasticPools.Single().NodeNotes["burst-1"].Should().Be(
            "provisioning failed after 1 attempt: the provider's output breaks the protocol: it names 2 nodes; between 1 and 1 were asked for; no node was registered");
        new Dashboard.Data.Nodes.NodeStore(engine.Database).Find("half-registered").Should().BeNull();
        new AuditStore(engine.Database).ForTarget("pool:burst").Select(e => e.Entry.Action).Should().Contain("elastic.provision-failed");
    }

    [Fact]
    public async Task Through_the_engine_a_provider_that_fails_once_succeeds_after_the_back_off()
    {
        var pool = ElasticTestPools.Burst(ElasticPoolOptions.CommandProvider);
        pool.ScaleUpDelay = TimeSpan.Zero;
        await using var engine = await StartAsync([SimulatedNode("demo-1")], elastic: ElasticTestPools.Command(record.Path, "fail-once", pool));
        await engine.SubmitAsync(Spec(gpus: 8));
        var waiting = await engine.SubmitAsync(Spec(gpus: 8));

        var retrying = await engine.WaitForAsync(u => u.ElasticPools.Single().LastError is not null);
        retrying.ElasticPools.Single().NodeNotes["burst-1"].Should().StartWith("attempt 1 of 2 failed: zone eu-1 is busy, try later; trying again at");
        await engine.RoundTripAsync();

        var placed = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == waiting));
        engine.Clock.Advance(TimeSpan.FromSeconds(10));
        (await placed).Snapshot.Running.Single(r => r.Job.Id == waiting).Allocation.Node.Should().Be("burst-1");
    }

    public void Dispose() => record.Dispose();

    /// <summary>What the script was sent, in the order its calls began.</summary>
    private List<string> Calls() => [.. Directory.GetFiles(record.Path, "call-*.json").Order(StringComparer.Ordinal).Select(File.ReadAllText)];

    private CommandElasticProvider Provider(string mode, TimeSpan? timeout = null) => new(
        new CommandProviderOptions { Executable = "/bin/bash", Arguments = [ElasticTestPools.Script, record.Path, mode], Timeout = timeout ?? TimeSpan.FromSeconds(20) },
        record.Path);
}
