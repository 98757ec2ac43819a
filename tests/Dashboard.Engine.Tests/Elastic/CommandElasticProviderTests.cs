using System.Text.Json.Nodes;
using Dashboard.Data.Audit;
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
        var sent = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(record.Path, "call-1.json")))!;
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

        (await File.ReadAllTextAsync(Path.Combine(record.Path, "call-1.json"))).Should().Be("""{"action":"release","pool":"burst","nodes":["burst-1"],"reason":"idle for 5 min"}""");
    }

    [Theory]
    [InlineData("fail", "no capacity in zone eu-1")]
    [InlineData("malformed", "the provider's output breaks the protocol: nodes[1] has no name; no node was registered")]
    [InlineData("garbage", "the provider's output breaks the protocol: it is not JSON")]
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
    public async Task Through_the_engine_the_queued_job_starts_on_the_commanded_node_which_is_handed_back_after_the_cool_down()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-1")], elastic: ElasticTestPools.Command(record.Path, "ok"));
        await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        var waiting = await engine.SubmitAsync(Spec(gpus: 8, walltime: TimeSpan.FromMinutes(10)));
        await engine.SettledAsync();

        var placed = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == waiting));
        engine.Clock.Advance(TimeSpan.FromSeconds(30));
        (await placed).Snapshot.Running.Single(r => r.Job.Id == waiting).Allocation.Node.Should().Be("burst-1");
        await engine.SettledAsync();

        var ended = engine.WaitForStateAsync(waiting, JobState.Succeeded);
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        await ended;
        await engine.SettledAsync();
        var gone = engine.WaitForAsync(u => u.Snapshot.Nodes.All(n => n.Name != "burst-1"));
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        await gone;

        var calls = Directory.GetFiles(record.Path, "call-*.json").Order().Select(f => JsonNode.Parse(File.ReadAllText(f))!).ToList();
        calls.Select(c => c["action"]!.GetValue<string>()).Should().Equal("provision", "release");
        calls[0]["reason"]!.GetValue<string>().Should().Be("scaling up 1 x 8-GPU node for 1 pending job");
        calls[1]["nodes"]!.AsArray().Select(n => n!.GetValue<string>()).Should().Equal("burst-1");
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
        await engine.SettledAsync();

        var placed = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == waiting));
        engine.Clock.Advance(TimeSpan.FromSeconds(10));
        (await placed).Snapshot.Running.Single(r => r.Job.Id == waiting).Allocation.Node.Should().Be("burst-1");
    }

    public void Dispose() => record.Dispose();

    private CommandElasticProvider Provider(string mode, TimeSpan? timeout = null) => new(
        new CommandProviderOptions { Executable = "/bin/bash", Arguments = [ElasticTestPools.Script, record.Path, mode], Timeout = timeout ?? TimeSpan.FromSeconds(20) },
        record.Path);
}
