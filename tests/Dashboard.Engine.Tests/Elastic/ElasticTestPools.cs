using System.Collections.Immutable;
using Dashboard.Engine.Elastic;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests.Elastic;

/// <summary>Pools and providers for the elastic tests.</summary>
internal static class ElasticTestPools
{
    public static readonly string Script = Path.Combine(AppContext.BaseDirectory, "Fixtures", "elastic-provider.sh");

    /// <summary>8 x A100-80GB (the harness's GPU model), 64 cores, 512 GiB; up to 2 nodes; 30 s delay, 5 min cool-down, 20 s to provision.</summary>
    public static ElasticPoolOptions Burst(string provider = ElasticPoolOptions.SimulatedProvider) => new()
    {
        Name = "burst",
        Gpus = 8,
        GpuModel = "A100-80GB",
        GpuMemoryMiB = 81920,
        CpuCores = 64,
        MemoryGiB = 512,
        MinNodes = 0,
        MaxNodes = 2,
        Provider = provider,
        ScaleUpDelay = TimeSpan.FromSeconds(30),
        ScaleDownCooldown = TimeSpan.FromMinutes(5),
        ProvisioningTime = TimeSpan.FromSeconds(20),
        Attempts = 2,
        RetryBackoff = TimeSpan.FromSeconds(10),
        FailureBackoff = TimeSpan.FromMinutes(1),
    };

    public static Func<EngineInbox, FakeTimeProvider, ElasticScaling> Simulated(ElasticPoolOptions? pool = null) =>
        (inbox, clock) =>
        {
            var options = pool ?? Burst();
            return new ElasticScaling([options], p => new SimulatedElasticProvider(p.ProvisioningTime, clock), inbox, clock, NullLogger<ElasticScaling>.Instance);
        };

    public static Func<EngineInbox, FakeTimeProvider, ElasticScaling> With(IElasticProvider provider, ElasticPoolOptions? pool = null) =>
        (inbox, clock) => new ElasticScaling([pool ?? Burst()], _ => provider, inbox, clock, NullLogger<ElasticScaling>.Instance);

    /// <summary>The command provider running the fixture script in <paramref name="mode"/>, recording into <paramref name="recordFolder"/>.</summary>
    public static Func<EngineInbox, FakeTimeProvider, ElasticScaling> Command(string recordFolder, string mode, ElasticPoolOptions? pool = null)
    {
        var options = pool ?? Burst(ElasticPoolOptions.CommandProvider);
        options.Command = new CommandProviderOptions { Executable = "/bin/bash", Arguments = [Script, recordFolder, mode], Timeout = TimeSpan.FromSeconds(20) };
        return (inbox, clock) => new ElasticScaling([options], p => new CommandElasticProvider(p.Command, recordFolder), inbox, clock, NullLogger<ElasticScaling>.Instance);
    }
}

/// <summary>A provider whose answers a test scripts: each call takes the next outcome (an exception is thrown).</summary>
internal sealed class ScriptedProvider : IElasticProvider
{
    private readonly Queue<Func<ProvisionRequest, Task<ImmutableArray<Node>>>> outcomes = new();
    private readonly List<ProvisionRequest> provisions = [];
    private readonly List<ReleaseRequest> releases = [];
    private readonly Lock gate = new();

    public IReadOnlyList<ProvisionRequest> Provisions
    {
        get
        {
            lock (gate)
            {
                return [.. provisions];
            }
        }
    }

    public IReadOnlyList<ReleaseRequest> Releases
    {
        get
        {
            lock (gate)
            {
                return [.. releases];
            }
        }
    }

    public ScriptedProvider Fail(string message)
    {
        outcomes.Enqueue(_ => throw new ElasticProviderException(message));
        return this;
    }

    public ScriptedProvider Succeed()
    {
        outcomes.Enqueue(request => Task.FromResult<ImmutableArray<Node>>([.. request.Names.Select(n => request.Shape.ToNode(n, NodeState.Ready, simulated: true, request.Pool))]));
        return this;
    }

    /// <summary>A call that never answers (as if the server went down during it).</summary>
    public ScriptedProvider Hang()
    {
        outcomes.Enqueue(_ => new TaskCompletionSource<ImmutableArray<Node>>().Task);
        return this;
    }

    public Task<ImmutableArray<Node>> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        Func<ProvisionRequest, Task<ImmutableArray<Node>>> next;
        lock (gate)
        {
            provisions.Add(request);
            next = outcomes.Dequeue();
        }

        return next(request);
    }

    /// <summary>When set, every release fails with this message.</summary>
    public string? ReleaseFailure { get; set; }

    public Task ReleaseAsync(ReleaseRequest request, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            releases.Add(request);
        }

        return ReleaseFailure is { } message ? Task.FromException(new ElasticProviderException(message)) : Task.CompletedTask;
    }
}
