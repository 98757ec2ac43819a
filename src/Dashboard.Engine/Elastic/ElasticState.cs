using System.Collections.Immutable;
using Dashboard.Scheduling.Elastic;

namespace Dashboard.Engine.Elastic;

/// <summary>
/// What the engine remembers about its elastic pools between batches. It is part of the cluster state
/// (<see cref="Loop.ClusterState.Elastic"/>), so a batch whose commit failed undoes it with everything else.
/// </summary>
/// <param name="Paused">Pools an admin paused.</param>
/// <param name="History">What the planner needs from earlier passes (demand since, requests, retry times).</param>
/// <param name="Failures">Provisioning failures in a row per pool (the failure back-off doubles with each).</param>
/// <param name="PoolNotes">What each pool is doing, for its status.</param>
/// <param name="LastErrors">Each pool's provider's last error.</param>
/// <param name="NodeNotes">Why each Provisioning, Releasing or Failed node is in its state.</param>
/// <param name="Recent">Each pool's latest scale actions, oldest first.</param>
internal sealed record ElasticState(
    ImmutableHashSet<string> Paused,
    ScaleHistory History,
    ImmutableDictionary<string, int> Failures,
    ImmutableDictionary<string, string> PoolNotes,
    ImmutableDictionary<string, string> LastErrors,
    ImmutableDictionary<string, string> NodeNotes,
    ImmutableDictionary<string, ImmutableList<ScaleAction>> Recent)
{
    public static ElasticState Empty { get; } = new(
        ImmutableHashSet.Create<string>(StringComparer.Ordinal),
        ScaleHistory.Empty,
        ImmutableDictionary.Create<string, int>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, string>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, string>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, string>(StringComparer.Ordinal),
        ImmutableDictionary.Create<string, ImmutableList<ScaleAction>>(StringComparer.Ordinal));
}
