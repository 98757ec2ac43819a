using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Timeline;

/// <summary>What a bar on the timeline stands for.</summary>
public enum TimelineBarKind
{
    /// <summary>A running job, from its start until its expected end (its walltime), or open-ended without one.</summary>
    Running,

    /// <summary>A waiting job at its estimated start on the node the plan holds for it: an estimate, drawn hatched.</summary>
    Estimated,

    /// <summary>A draining node: running jobs finish, nothing new starts.</summary>
    Draining,

    /// <summary>The GPUs an approved advance reservation keeps on the node during one of its windows (docs/reservations.md).</summary>
    Reserved,
}

/// <summary>
/// One bar in a node's row: <see cref="FirstLane"/> and <see cref="LaneCount"/> are its GPU lanes (the node's GPUs in
/// index order, then one lane for jobs without GPUs); <see cref="Left"/> and <see cref="Width"/> are percent of the
/// window. <see cref="Label"/> and <see cref="Description"/> name the job only for people who may see it.
/// </summary>
public sealed record TimelineBar(
    TimelineBarKind Kind,
    JobId? Job,
    string Label,
    string? Team,
    string Colour,
    int FirstLane,
    int LaneCount,
    double Left,
    double Width,
    bool Borrowing,
    bool MayOpen,
    string Description)
{
    /// <summary>A waiting job the plan starts early by backfill, before a job ranked ahead of it (<see cref="TimelineBackfill"/>).</summary>
    public bool Backfilled { get; init; }
}

/// <summary>
/// A node's row: its GPU lanes (plus one for CPU-only jobs when it runs any), its state, and its bars.
/// <see cref="Note"/> says why an elastic pool's node is provisioning or going away.
/// </summary>
public sealed record TimelineRow(
    string Node,
    string Summary,
    int Lanes,
    int GpuLanes,
    NodeState State,
    string? Note,
    ImmutableArray<TimelineBar> Bars);

/// <summary>
/// Above <see cref="TimelineView.AggregateAbove"/> nodes the timeline draws one row per GPU model instead of one per
/// node: the share of that model's GPUs busy (and estimated busy) in each slice of the window.
/// </summary>
public sealed record TimelineGroup(string Label, int Nodes, int Gpus, ImmutableArray<TimelineCell> Cells);

/// <summary>One slice of a group's row: GPUs running and estimated to run at the slice's middle.</summary>
public sealed record TimelineCell(double Left, double Width, int BusyGpus, int EstimatedGpus, string Description)
{
    /// <summary>GPUs of the group that approved advance reservations keep at the slice's middle.</summary>
    public int ReservedGpus { get; init; }

    /// <summary>How dark the cell is drawn: the busy share, at least a trace when anything runs.</summary>
    public double Shade(int gpus) => gpus == 0 ? 0 : Math.Max(BusyGpus == 0 ? 0 : 0.08, (double)BusyGpus / gpus);
}

/// <summary>A waiting job with an estimated start the plan has not tied to a node yet.</summary>
public sealed record TimelineQueued(JobId Job, string Label, bool MayOpen, DateTimeOffset EstimatedStart, int Gpus, string Description);
