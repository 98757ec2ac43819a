using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Elastic;

/// <summary>
/// What <see cref="ScalePlanner"/> decided for every pool at one instant: nodes to ask for, nodes to hand back, which
/// pending jobs wait for a node being provisioned, and the remembered timings for the next decision.
/// </summary>
public sealed record ScaleDecision(
    ImmutableArray<ScaleUp> ScaleUps,
    ImmutableArray<NodeRelease> Releases,
    ImmutableArray<ProvisioningWait> Waits,
    ScaleHistory History)
{
    public bool IsEmpty => ScaleUps.IsEmpty && Releases.IsEmpty;
}

/// <summary>Ask <see cref="Pool"/>'s provider for <see cref="Count"/> nodes; <see cref="Reason"/> is what people read.</summary>
public sealed record ScaleUp(string Pool, int Count, string Reason, ImmutableArray<JobId> ForJobs);

/// <summary>Hand the idle node <see cref="Node"/> back to <see cref="Pool"/>'s provider.</summary>
public sealed record NodeRelease(string Pool, string Node, string Reason);

/// <summary>The pending <see cref="Job"/> will start on a node of <see cref="Pool"/> being provisioned, expected ready at <see cref="ExpectedReady"/>.</summary>
public sealed record ProvisioningWait(JobId Job, string Pool, DateTimeOffset ExpectedReady)
{
    /// <summary>
    /// The job's explanation saying so: "waiting for 8 GPUs on one node; a node is being provisioned for it in pool
    /// burst", estimated to start when the node is expected (or earlier, when the queue frees room sooner).
    /// </summary>
    public PendingExplanation Explain(PendingExplanation waiting)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        var estimate = waiting.EstimatedStart is { } queued && queued < ExpectedReady ? queued : ExpectedReady;
        return waiting with { EstimatedStart = estimate, Reason = waiting.Reason with { Cause = PendingCause.WaitingForProvisioning, Pool = Pool } };
    }
}

/// <summary>
/// What the planner remembers between decisions (the engine keeps it and hands it back): since when each pool has had
/// unmet demand, since when each elastic node has been idle, when each node being provisioned was asked for, and
/// until when a pool whose provider failed is left alone.
/// </summary>
public sealed record ScaleHistory(
    ImmutableDictionary<string, DateTimeOffset> DemandSince,
    ImmutableDictionary<string, DateTimeOffset> IdleSince,
    ImmutableDictionary<string, DateTimeOffset> RequestedAt,
    ImmutableDictionary<string, DateTimeOffset> RetryNotBefore)
{
    public static ScaleHistory Empty { get; } = new(
        ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.Ordinal));
}
