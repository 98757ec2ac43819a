using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Timeline;

/// <summary>The marks the timeline adds to bars and aggregated cells: backfilled jobs, and reserved GPUs per slice.</summary>
public sealed partial record TimelineView
{
    /// <summary>Added to a backfilled job's label: the text says it, the page adds a visual mark.</summary>
    public const string BackfilledLabel = " · backfilled";

    /// <summary>Added to a backfilled job's description (its title and accessible name).</summary>
    public const string BackfilledNote = "; backfilled: estimated to start early, before a job ranked ahead of it, and to end before that job starts";

    /// <summary>GPUs the reservation blocks <paramref name="blocks"/> (a group's) keep at <paramref name="at"/>.</summary>
    private static int ReservedAt(List<ReservedBlock> blocks, DateTimeOffset at)
    {
        var gpus = 0;
        foreach (var block in blocks)
        {
            if (block.Window.Contains(at))
            {
                gpus += block.Pin.Gpus;
            }
        }

        return gpus;
    }

    /// <summary>Each team's colour, as on the Cluster page.</summary>
    private static IReadOnlyDictionary<string, string> ColoursOf(ClusterSnapshot snapshot) =>
        TeamPalette.Assign(snapshot.Quotas.Select(q => q.Team)
            .Concat(snapshot.Running.Select(r => r.Job.Team))
            .Concat(snapshot.Pending.ByTeam.Keys));

    /// <summary>
    /// One node's row as the timeline draws it (its running and estimated jobs, the reservations it keeps, laid out
    /// over the whole cluster as the scheduler does), whatever the cluster's size: the what-if draws a job against it.
    /// Null when the snapshot has no such node.
    /// </summary>
    public static TimelineRow? NodeRow(ClusterUpdate update, TimelineWindow window, string node, ICurrentUser viewer)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(viewer);
        var snapshot = update.Snapshot;
        if (snapshot.Nodes.FirstOrDefault(n => n.Name == node) is not { } found)
        {
            return null;
        }

        var reserved = TimelineReservations.Blocks(snapshot, window).Where(b => b.Pin.Node == node);
        var running = snapshot.Running.Where(r => r.Allocation.Node == node);
        var estimated = EstimatedPlacements(update, window).Where(e => e.Node == node);
        return Row(found, found.Note, reserved, running, estimated, TimelineBackfill.Of(update.Explanations), window, ColoursOf(snapshot), viewer);
    }
}
