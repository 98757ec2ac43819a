using System.Collections.Immutable;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Elastic;

namespace Dashboard.Web.Cluster;

/// <summary>
/// Compares elastic pools by value. <see cref="ElasticPoolStatus"/> and <see cref="ScaleAction"/> are records, but their
/// <see cref="ImmutableDictionary{TKey,TValue}"/> and <see cref="ImmutableArray{T}"/> members compare by reference, and
/// the engine builds new ones for every publication: the pools panel uses this to skip a live update that changed
/// nothing it shows, since an unchanged update must cost the browser nothing.
/// </summary>
public static class ElasticPoolComparison
{
    /// <summary>True when both hold the same pools, in the same order, with equal values (an empty and a default array are the same).</summary>
    public static bool SameAs(this ImmutableArray<ElasticPoolStatus> pools, ImmutableArray<ElasticPoolStatus> other) =>
        SameItems(pools, other, (pool, otherPool) => pool.SameAs(otherPool));

    /// <summary>True when every member is equal, the node notes entry by entry and the recent actions action by action.</summary>
    public static bool SameAs(this ElasticPoolStatus pool, ElasticPoolStatus? other)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (other is null)
        {
            return false;
        }

        if (ReferenceEquals(pool, other))
        {
            return true;
        }

        // The record's own equality for every other member, present and future: borrow the other's collections.
        return pool with { NodeNotes = other.NodeNotes, RecentActions = other.RecentActions } == other
            && SameNotes(pool.NodeNotes, other.NodeNotes)
            && SameItems(pool.RecentActions, other.RecentActions, (action, otherAction) => action.SameAs(otherAction));
    }

    /// <summary>True when every member is equal, the nodes name by name.</summary>
    public static bool SameAs(this ScaleAction action, ScaleAction? other)
    {
        ArgumentNullException.ThrowIfNull(action);
        return other is not null
            && (ReferenceEquals(action, other)
                || (action with { Nodes = other.Nodes } == other && SameItems(action.Nodes, other.Nodes, (node, otherNode) => string.Equals(node, otherNode, StringComparison.Ordinal))));
    }

    private static bool SameNotes(ImmutableDictionary<string, string>? notes, ImmutableDictionary<string, string>? other)
    {
        if (notes is null || other is null)
        {
            return notes is null && other is null;
        }

        return notes.Count == other.Count
            && notes.All(note => other.TryGetValue(note.Key, out var value) && string.Equals(note.Value, value, StringComparison.Ordinal));
    }

    private static bool SameItems<T>(ImmutableArray<T> items, ImmutableArray<T> other, Func<T, T, bool> same)
    {
        if (items.IsDefaultOrEmpty || other.IsDefaultOrEmpty)
        {
            return items.IsDefaultOrEmpty && other.IsDefaultOrEmpty;
        }

        if (items.Length != other.Length)
        {
            return false;
        }

        for (var i = 0; i < items.Length; i++)
        {
            if (!same(items[i], other[i]))
            {
                return false;
            }
        }

        return true;
    }
}
