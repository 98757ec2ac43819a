using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Engine.Loop;

internal sealed partial class ClusterState
{
    private NeverFits? neverFits;
    private (ImmutableArray<Node> Nodes, ImmutableArray<TeamQuota> Quotas, ImmutableArray<Node> ElasticShapes) neverFitsOf;

    /// <summary>
    /// The check of what can never fit, for the current snapshot. It reads only the nodes, the quotas and the elastic
    /// node shapes, so one checker serves every submit while those are the very same arrays (a stream of submits to a
    /// full cluster): building one walks every node, once a batch instead of once a submit.
    /// </summary>
    internal NeverFits NeverFitsNow()
    {
        var snapshot = Snapshot;
        if (neverFits is null || snapshot.Nodes != neverFitsOf.Nodes || snapshot.Quotas != neverFitsOf.Quotas || snapshot.ElasticNodeShapes != neverFitsOf.ElasticShapes)
        {
            neverFits = NeverFits.For(snapshot);
            neverFitsOf = (snapshot.Nodes, snapshot.Quotas, snapshot.ElasticNodeShapes);
        }

        return neverFits;
    }
}
