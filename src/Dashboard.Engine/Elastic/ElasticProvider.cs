using System.Collections.Immutable;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Elastic;

/// <summary>Creates and hands back an elastic pool's nodes. Runs outside the engine loop; its results come back as commands.</summary>
public interface IElasticProvider
{
    /// <summary>The new nodes (Ready, of the pool); throws <see cref="ElasticProviderException"/> with the provider's message on failure.</summary>
    Task<ImmutableArray<Node>> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken);

    /// <summary>Hands the nodes back; throws <see cref="ElasticProviderException"/> with the provider's message on failure.</summary>
    Task ReleaseAsync(ReleaseRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// Ask for <see cref="Count"/> nodes of <see cref="Shape"/> for <see cref="Pool"/>. <see cref="Names"/> are the names the
/// engine shows while they are provisioned; a provider may use them or name the nodes itself.
/// </summary>
public sealed record ProvisionRequest(string Pool, int Count, ElasticNodeShape Shape, string Reason, ImmutableArray<string> Names);

/// <summary>Hand <see cref="Nodes"/> of <see cref="Pool"/> back.</summary>
public sealed record ReleaseRequest(string Pool, ImmutableArray<string> Nodes, string Reason);

/// <summary>A provider's refusal or failure; <see cref="Exception.Message"/> is what the node and the audit log show.</summary>
public sealed class ElasticProviderException : Exception
{
    public ElasticProviderException()
    {
    }

    public ElasticProviderException(string message)
        : base(message)
    {
    }

    public ElasticProviderException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// The demo provider: after the pool's provisioning time on the injected clock, the asked-for nodes exist, simulated
/// (their jobs only pretend to run). Handing back takes no time.
/// </summary>
public sealed class SimulatedElasticProvider(TimeSpan provisioningTime, TimeProvider time) : IElasticProvider
{
    public async Task<ImmutableArray<Node>> ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (provisioningTime > TimeSpan.Zero)
        {
            await Task.Delay(provisioningTime, time, cancellationToken).ConfigureAwait(false);
        }

        return [.. request.Names.Select(name => request.Shape.ToNode(name, NodeState.Ready, simulated: true, request.Pool))];
    }

    public Task ReleaseAsync(ReleaseRequest request, CancellationToken cancellationToken) => Task.CompletedTask;
}
