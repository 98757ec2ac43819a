using System.Collections.Immutable;
using Dashboard.Scheduling.Elastic;

namespace Dashboard.Engine.Feed;

/// <summary>
/// An elastic pool as the dashboard shows it: its shape and limits, how many of its nodes are in each state, what it
/// is doing ("scaling up 2 x 8-GPU nodes for 11 pending jobs"), its last provider error, and why each of its nodes
/// that is not in service is where it is.
/// </summary>
public sealed record ElasticPoolStatus(
    string Name,
    string Provider,
    string Shape,
    int MinNodes,
    int MaxNodes,
    int InService,
    int Provisioning,
    int Releasing,
    int Failed,
    bool Paused,
    string? Activity,
    string? LastError,
    ImmutableDictionary<string, string> NodeNotes)
{
    /// <summary>The pool's latest scale actions, newest first (kept across restarts in db/0005's elastic_scale_actions).</summary>
    public ImmutableArray<ScaleAction> RecentActions { get; init; } = [];
}
