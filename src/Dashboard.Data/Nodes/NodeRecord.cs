using Dashboard.Scheduling.Model;

namespace Dashboard.Data.Nodes;

/// <summary>A stored node: the node itself, why it is in its state (when someone said), and when it last changed.</summary>
public sealed record NodeRecord(Node Node, string? StateReason, DateTimeOffset UpdatedAt);
