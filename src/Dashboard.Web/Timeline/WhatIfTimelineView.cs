using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Timeline;

/// <summary>
/// The Submit form's what-if drawn on a timeline: the job's bar from its (estimated) start for its walltime, against
/// the lanes of the node it would start on now (that node's running jobs, estimated starts and reservations, as the
/// timeline page draws them). A job that would wait has no node yet (the plan chooses it when it starts): its bar is
/// drawn on a lane of its own at its estimated start. The window is the shortest of the timeline's zooms that shows
/// the start and an hour of the job (a week at most). Nothing is drawn for a job that can never run or has no
/// estimated start. A pure function of the update and the answer.
/// </summary>
public sealed record WhatIfTimelineView(TimelineWindow Window, TimelineSpan Span, TimelineRow? Node, TimelineBar Job, string Caption)
{
    public const string JobLabel = "your job";

    public static WhatIfTimelineView? Of(ClusterUpdate? update, WhatIfOutcome? answer, TimeSpan? walltime, DateTimeOffset now, ICurrentUser viewer)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var (start, node, gpus) = answer switch
        {
            WhatIfOutcome.StartsNow starts => (now, starts.Node, starts.GpuIndices),
            WhatIfOutcome.Queued { EstimatedStart: { } at } => (at < now ? now : at, (string?)null, default(System.Collections.Immutable.ImmutableArray<int>)),
            _ => (DateTimeOffset.MinValue, null, default),
        };
        if (update is null || start == DateTimeOffset.MinValue)
        {
            return null;
        }

        var shown = start - now + (walltime is { } w && w < TimeSpan.FromHours(1) ? w : TimeSpan.FromHours(1));
        var span = TimelineWindow.Spans.FirstOrDefault(s => s.Length >= shown) ?? TimelineWindow.Spans[^1];
        var window = new TimelineWindow(now, span.Length);
        var end = walltime is { } limit ? start + limit : (DateTimeOffset?)null;
        var left = window.PercentOf(start);
        var right = end is { } finish ? window.PercentOf(finish) : 100.0;
        var when = TimelineView.Time(start);
        var until = end is { } e ? $" until {TimelineView.Time(e)} (its walltime)" : ", with no walltime: no expected end";
        if (node is null)
        {
            var caption = $"It would wait: estimated to start at {when}{until}; the node is chosen when it starts.";
            return new WhatIfTimelineView(window, span, null, Bar(0, 1, left, right, caption), caption);
        }

        var row = TimelineView.NodeRow(update with { At = now }, window, node, viewer);
        var lanes = row is null ? [0] : gpus.IsDefaultOrEmpty ? [row.GpuLanes] : gpus.Select(i => LaneOf(update.Snapshot, node, i)).ToList();
        var text = $"It would start now on {node} ({GpuIndexRanges.Describe(gpus.IsDefault ? [] : gpus)}){until}.";
        var first = lanes.Min();
        var count = lanes.Max() - first + 1;
        return new WhatIfTimelineView(window, span, row, Bar(first, count, left, right, text), text);
    }

    private static int LaneOf(ClusterSnapshot snapshot, string node, int index)
    {
        var gpus = snapshot.Nodes.First(n => n.Name == node).Gpus;
        for (var at = 0; at < gpus.Length; at++)
        {
            if (gpus[at].Index == index)
            {
                return at;
            }
        }

        return 0;
    }

    private static TimelineBar Bar(int firstLane, int laneCount, double left, double right, string description) =>
        new(TimelineBarKind.Estimated, null, JobLabel, null, "#594ae2", firstLane, laneCount, left, Math.Max(0.25, right - left), false, false, description);
}
