using Dashboard.Engine.Elastic;
using Dashboard.Engine.Loop;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Engine.Tests.Elastic;

/// <summary>A pool configuration is checked at start-up; every problem is named with its pool and setting.</summary>
public sealed class ElasticPoolOptionsTests
{
    [Fact]
    public void The_test_pool_is_valid() => ElasticPoolOptions.Validate([ElasticTestPools.Burst()]).Should().BeEmpty();

    public static TheoryData<Action<ElasticPoolOptions>, string> Problems => new()
    {
        { p => p.Name = "", "ElasticPools:0: Name is required" },
        { p => p.Name = "has space", "ElasticPools:0 (has space): Name 'has space' may hold only letters, digits, '-' and '_' (at most 40), as it starts each node's name" },
        { p => p.Gpus = 65, "ElasticPools:0 (burst): Gpus must be between 0 and 64" },
        { p => p.GpuModel = "", "ElasticPools:0 (burst): GpuModel is required when the nodes have GPUs" },
        { p => p.CpuCores = 0, "ElasticPools:0 (burst): CpuCores must be positive" },
        { p => p.MemoryGiB = -1, "ElasticPools:0 (burst): MemoryGiB must be positive" },
        { p => (p.MinNodes, p.MaxNodes) = (3, 2), "ElasticPools:0 (burst): MinNodes and MaxNodes must satisfy 0 <= MinNodes <= MaxNodes <= 1000" },
        { p => p.ScaleUpDelay = TimeSpan.FromSeconds(-1), "ElasticPools:0 (burst): ScaleUpDelay, ScaleDownCooldown and ProvisioningTime must not be negative" },
        { p => p.Attempts = 0, "ElasticPools:0 (burst): Attempts must be between 1 and 10" },
        { p => p.Provider = "cloud", "ElasticPools:0 (burst): Provider 'cloud' is not known; use 'simulated' or 'command'" },
        { p => p.Provider = "command", "ElasticPools:0 (burst): Command:Executable is required for the command provider" },
        { p => (p.Provider, p.Command.Executable) = ("command", "/no/such/provider"), "ElasticPools:0 (burst): Command:Executable '/no/such/provider' does not exist" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Each_problem_is_named(Action<ElasticPoolOptions> spoil, string error)
    {
        var pool = ElasticTestPools.Burst();
        spoil(pool);

        ElasticPoolOptions.Validate([pool]).Should().Equal(error);
    }

    [Fact]
    public void Two_pools_may_not_share_a_name_and_the_engine_refuses_to_start_with_every_problem_listed()
    {
        var second = ElasticTestPools.Burst();
        second.CpuCores = 0;

        var act = () => new ElasticScaling([ElasticTestPools.Burst(), second], _ => new ScriptedProvider(), new EngineInbox(), TimeProvider.System, NullLogger<ElasticScaling>.Instance);

        act.Should().Throw<InvalidOperationException>().WithMessage(
            "The ElasticPools section of appsettings.json is invalid:*ElasticPools:1 (burst): Name 'burst' is used by two pools*ElasticPools:1 (burst): CpuCores must be positive");
    }
}
