using System.Collections.Immutable;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Elastic;

/// <summary>A provider call the engine hands out after its batch committed.</summary>
public abstract record ElasticCall(string Pool);

public sealed record ProvisionCall(ProvisionRequest Request) : ElasticCall(Request.Pool);

public sealed record ReleaseCall(ReleaseRequest Request) : ElasticCall(Request.Pool);

/// <summary>The provider created <see cref="Nodes"/> for the placeholders <see cref="Requested"/>.</summary>
internal sealed record NodesProvisionedCommand(string Pool, ImmutableArray<string> Requested, ImmutableArray<Node> Nodes) : EngineCommand;

/// <summary>One attempt failed; the next comes at <see cref="NextAttemptAt"/>.</summary>
internal sealed record ProvisioningAttemptFailedCommand(string Pool, ImmutableArray<string> Requested, int Attempt, int Attempts, string Message, DateTimeOffset NextAttemptAt) : EngineCommand;

/// <summary>Every attempt failed: the placeholders become Failed with the provider's message.</summary>
internal sealed record ProvisioningFailedCommand(string Pool, ImmutableArray<string> Requested, int Attempts, string Message) : EngineCommand;

internal sealed record NodeHandedBackCommand(string Pool, string Node) : EngineCommand;

internal sealed record ReleaseFailedCommand(string Pool, string Node, int Attempts, string Message) : EngineCommand;

/// <summary>An admin pauses or resumes a pool's scaling.</summary>
internal sealed record SetPoolPausedCommand(string Pool, bool Paused, string Actor) : EngineCommand;

/// <summary>At start-up: nodes left Provisioning by the previous run become Failed, nodes left Releasing are handed back again.</summary>
internal sealed record RecoverElasticNodesCommand : EngineCommand;
