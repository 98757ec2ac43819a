using System.Collections.Immutable;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Admin;

/// <summary>What the admin Nodes page shows for one <see cref="ClusterUpdate"/>: every node with its state, why, its GPUs and its running jobs.</summary>
public sealed record NodesView(ImmutableArray<NodeRow> Nodes)
{
    public static NodesView Empty { get; } = new([]);

    /// <summary>
    /// The rows for <paramref name="update"/>. <paramref name="reasons"/> holds each node's state reason as stored; it
    /// is updated in place from the update's <see cref="NodeChangedEvent"/>s (a change without a reason clears it).
    /// </summary>
    public static NodesView Of(ClusterUpdate update, Dictionary<string, string> reasons)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(reasons);
        foreach (var changed in update.Events.OfType<NodeChangedEvent>())
        {
            if (string.IsNullOrEmpty(changed.Reason))
            {
                reasons.Remove(changed.Node.Name);
            }
            else
            {
                reasons[changed.Node.Name] = changed.Reason;
            }
        }

        var jobs = update.Snapshot.Running
            .GroupBy(r => r.Allocation.Node, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(r => r.Job.Id).ToImmutableArray(), StringComparer.Ordinal);
        var rows = update.Snapshot.Nodes
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .Select(node =>
            {
                var running = jobs.GetValueOrDefault(node.Name, []);
                return new NodeRow(
                    node.Name,
                    node.State,
                    node.Simulated,
                    reasons.GetValueOrDefault(node.Name),
                    running.Sum(r => r.Allocation.GpuIndices.Length),
                    node.Gpus.Length,
                    [.. running.Select(r => $"{r.Job.Id} {r.Job.Spec.Name} ({r.Job.Spec.Owner}, {r.Job.Team})")]);
            })
            .ToImmutableArray();
        return new NodesView(rows);
    }
}

/// <summary>One node on the Nodes page and the actions its state allows.</summary>
public sealed record NodeRow(string Name, NodeState State, bool Simulated, string? Reason, int GpusUsed, int GpusTotal, ImmutableArray<string> Jobs)
{
    public bool CanDrain => State == NodeState.Ready;

    /// <summary>Provisioning, being handed back or failed: the node's elastic pool decides its state, not an admin.</summary>
    public bool InElasticLifecycle => State is NodeState.Provisioning or NodeState.Releasing or NodeState.Failed;

    public bool CanResume => State != NodeState.Ready && !InElasticLifecycle;

    public bool CanMarkDown => State != NodeState.Down && !InElasticLifecycle;
}

/// <summary>An action on a node, what it asks the engine for, and what the confirmation says will happen.</summary>
public sealed record NodeAction(string Key, string Verb, NodeState Target, bool NeedsReason, string Consequence)
{
    public static NodeAction Drain { get; } = new(
        "drain",
        "Drain",
        NodeState.Draining,
        NeedsReason: true,
        "Running jobs finish normally; nothing new is placed on the node until it is resumed. It still counts as capacity.");

    public static NodeAction Resume { get; } = new(
        "resume",
        "Resume",
        NodeState.Ready,
        NeedsReason: false,
        "The node takes new jobs again from the next scheduling pass.");

    public static NodeAction MarkDown { get; } = new(
        "down",
        "Mark down",
        NodeState.Down,
        NeedsReason: true,
        "Nothing new is placed on the node and it no longer counts as capacity. Its running jobs are not stopped: they keep "
        + "running and hold their GPUs until they end or are cancelled (if the machine is really gone, cancel them).");

    public const int MaxReasonLength = 500;

    public static NodeAction ByKey(string key) => key switch
    {
        "drain" => Drain,
        "resume" => Resume,
        "down" => MarkDown,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, "unknown node action"),
    };

    /// <summary>Null when <paramref name="reason"/> will do for this action, otherwise the message to show under the field.</summary>
    public string? CheckReason(string? reason)
    {
        var trimmed = reason?.Trim() ?? "";
        if (NeedsReason && trimmed.Length == 0)
        {
            return $"Say why ({Verb.ToLowerInvariant()}): the reason is shown on this page and kept in the audit log.";
        }

        return trimmed.Length > MaxReasonLength ? $"The reason is at most {MaxReasonLength} characters." : Dashboard.Scheduling.Model.TextRules.OneLineProblem("The reason", trimmed);
    }
}
