using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Reservations;
using Dashboard.Web.Cluster;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Timeline;

/// <summary>
/// What the timeline page draws for one cluster update, for one viewer: per node, its running jobs as bars until
/// their expected end and its waiting jobs at their estimated start (on the node the plan holds for them), drains as
/// overlays; above <see cref="AggregateAbove"/> nodes, one row per GPU model instead. A pure function of the update.
/// </summary>
public sealed partial record TimelineView(
    TimelineWindow Window,
    ImmutableArray<TimelineRow> Rows,
    ImmutableArray<TimelineGroup> Groups,
    ImmutableArray<TimelineQueued> Unplaced,
    ImmutableArray<TeamColour> Legend)
{
    /// <summary>Above this many nodes the page draws one row per GPU model (as the Cluster page turns to a heat map).</summary>
    public const int AggregateAbove = ClusterView.CompactAbove;

    /// <summary>How many slices an aggregated row has across the window.</summary>
    public const int Slices = 48;

    /// <summary>Waiting jobs without a node listed below the chart, at most.</summary>
    public const int MaxUnplaced = 50;

    /// <summary>Estimated bars drawn per node, soonest first; the row says how many more wait for it.</summary>
    public const int MaxEstimatedPerNode = 12;

    public const string EstimatedColour = "#9e9e9e";

    public static TimelineView Empty { get; } = new(new TimelineWindow(DateTimeOffset.MinValue, TimelineWindow.DefaultSpan.Length), [], [], [], []);

    public bool Aggregated => !Groups.IsEmpty;

    public static TimelineView Of(ClusterUpdate update, TimeSpan span, ICurrentUser viewer)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(viewer);
        var snapshot = update.Snapshot;
        var window = new TimelineWindow(update.At, span);
        var colours = ColoursOf(snapshot);
        var estimated = EstimatedPlacements(update, window);
        var unplaced = UnplacedOf(update, window, viewer);
        var shownTeams = snapshot.Running.Select(r => r.Job.Team).Concat(estimated.Select(e => e.Job.Team)).ToHashSet(StringComparer.Ordinal);
        var legend = colours.Where(c => shownTeams.Contains(c.Key)).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new TeamColour(c.Key, c.Value)).ToImmutableArray();
        if (snapshot.Nodes.Length > AggregateAbove)
        {
            return new TimelineView(window, [], GroupsOf(snapshot, estimated, window), unplaced, legend);
        }

        var notes = update.ElasticPools.SelectMany(p => p.NodeNotes).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);
        var runningByNode = snapshot.Running.ToLookup(r => r.Allocation.Node, StringComparer.Ordinal);
        var estimatedByNode = estimated.ToLookup(e => e.Node, StringComparer.Ordinal);
        var reservedByNode = TimelineReservations.Blocks(snapshot, window).ToLookup(b => b.Pin.Node, StringComparer.Ordinal);
        var backfilled = TimelineBackfill.Of(update.Explanations);
        var rows = snapshot.Nodes
            .Select(node => Row(node, notes.GetValueOrDefault(node.Name) ?? node.Note, reservedByNode[node.Name], runningByNode[node.Name], estimatedByNode[node.Name], backfilled, window, colours, viewer))
            .ToImmutableArray();
        return new TimelineView(window, rows, [], unplaced, legend);
    }

    private static TimelineRow Row(
        Node node,
        string? note,
        IEnumerable<ReservedBlock> reserved,
        IEnumerable<RunningJob> running,
        IEnumerable<EstimatedPlacement> estimated,
        ImmutableHashSet<JobId> backfilled,
        TimelineWindow window,
        IReadOnlyDictionary<string, string> colours,
        ICurrentUser viewer)
    {
        var gpuLanes = node.Gpus.Length;
        var runningJobs = running.OrderBy(r => r.Allocation.Start).ThenBy(r => r.Job.Id).ToList();
        var hasCpuJobs = runningJobs.Any(r => r.Allocation.GpuIndices.IsEmpty) || estimated.Any(e => e.Gpus == 0);
        var lanes = Math.Max(1, gpuLanes + (hasCpuJobs ? 1 : 0));
        var cpuLane = gpuLanes;
        var bars = ImmutableArray.CreateBuilder<TimelineBar>();

        // When each GPU lane is free again: the expected end of what runs on it (open-ended: never in the window).
        var laneFreeAt = Enumerable.Repeat(window.From, Math.Max(gpuLanes, 0)).ToArray();
        var laneOf = new Dictionary<int, int>(gpuLanes);
        for (var at = 0; at < gpuLanes; at++)
        {
            laneOf[node.Gpus[at].Index] = at;
        }

        // Drawn first, so the jobs that run in a booking's GPUs are drawn over it.
        foreach (var block in reserved)
        {
            var (left, width) = Span(window, block.Window.Start, block.Window.End);
            var lanesOfModel = Enumerable.Range(0, gpuLanes).Where(at => GpuModels.Match(node.Gpus[at].Model, block.Reservation.GpuModel)).ToList();
            var chosen = lanesOfModel.Skip(Math.Max(0, lanesOfModel.Count - block.Pin.Gpus)).ToList();
            if (width <= 0 || chosen.Count == 0)
            {
                continue;
            }

            foreach (var (first, count) in Runs(chosen))
            {
                bars.Add(new TimelineBar(TimelineBarKind.Reserved, null, $"reserved: {block.Reservation.Name}", block.Reservation.Team,
                    colours.GetValueOrDefault(block.Reservation.Team, EstimatedColour), first, count, left, width, false, false,
                    $"{block.Reservation.Describe()}: {Count(block.Pin.Gpus, "GPU")} kept on {node.Name} from {Time(block.Window.Start)} until {Time(block.Window.End)}"));
            }
        }

        foreach (var job in runningJobs)
        {
            var end = job.Allocation.ExpectedEnd;
            var positions = job.Allocation.GpuIndices.Select(i => laneOf.GetValueOrDefault(i, -1)).Where(at => at >= 0).Order().ToList();
            foreach (var at in positions)
            {
                laneFreeAt[at] = end ?? DateTimeOffset.MaxValue;
            }

            var (left, width) = Span(window, job.Allocation.Start, end);
            if (width <= 0)
            {
                continue;
            }

            var mayOpen = viewer.CanSeeJob(job.Job.Spec.Owner, job.Job.Team);
            var description = RunningDescription(job, mayOpen);
            foreach (var (first, count) in Runs(positions.Count == 0 ? [cpuLane] : positions))
            {
                bars.Add(new TimelineBar(TimelineBarKind.Running, job.Job.Id, Label(job.Job, mayOpen), job.Job.Team, colours.GetValueOrDefault(job.Job.Team, EstimatedColour),
                    first, count, left, width, job.Borrowing, mayOpen, description));
            }
        }

        var waiting = estimated.OrderBy(e => e.Start).ThenBy(e => e.Job.Id).ToList();
        foreach (var placement in waiting.Take(MaxEstimatedPerNode))
        {
            var end = placement.Job.Spec.Walltime is { } walltime ? placement.Start + walltime : (DateTimeOffset?)null;
            var (left, width) = Span(window, placement.Start, end);
            var mayOpen = viewer.CanSeeJob(placement.Job.Spec.Owner, placement.Job.Team);
            var chosen = placement.Gpus == 0 ? [] : ChooseLanes(laneFreeAt, placement.Gpus, placement.Start);
            foreach (var at in chosen)
            {
                laneFreeAt[at] = end ?? DateTimeOffset.MaxValue;
            }

            var early = backfilled.Contains(placement.Job.Id);
            foreach (var (first, count) in Runs(chosen.Count == 0 ? [cpuLane] : chosen))
            {
                bars.Add(new TimelineBar(TimelineBarKind.Estimated, placement.Job.Id, Label(placement.Job, mayOpen) + (early ? BackfilledLabel : ""), placement.Job.Team,
                    colours.GetValueOrDefault(placement.Job.Team, EstimatedColour), first, count, left, width, false, mayOpen,
                    EstimatedDescription(placement, mayOpen) + (early ? BackfilledNote : "")) { Backfilled = early });
            }
        }

        if (node.State == NodeState.Draining)
        {
            bars.Add(new TimelineBar(TimelineBarKind.Draining, null, "draining", null, EstimatedColour, 0, lanes, 0, 100, false, false,
                $"{node.Name} is draining: running jobs finish, nothing new starts"));
        }

        var more = waiting.Count - MaxEstimatedPerNode;
        if (more > 0)
        {
            note = (note is null ? "" : note + "; ") + $"{Count(more, "more waiting job")} estimated to start here later in the window (not drawn)";
        }

        return new TimelineRow(node.Name, NodeSummary(node), lanes, gpuLanes, node.State, note, bars.ToImmutable());
    }

    /// <summary>The lanes a waiting job is drawn on: free by its start, the latest-freed first (as best fit would pick).</summary>
    private static List<int> ChooseLanes(DateTimeOffset[] laneFreeAt, int gpus, DateTimeOffset start)
    {
        var order = Enumerable.Range(0, laneFreeAt.Length)
            .OrderBy(at => laneFreeAt[at] <= start ? 0 : 1)
            .ThenByDescending(at => laneFreeAt[at] <= start ? laneFreeAt[at] : DateTimeOffset.MinValue)
            .ThenBy(at => laneFreeAt[at])
            .ThenBy(at => at);
        return [.. order.Take(gpus).Order()];
    }

    /// <summary>Consecutive runs of lane positions: [0, 1, 2, 5] gives (0, 3) and (5, 1).</summary>
    private static IEnumerable<(int First, int Count)> Runs(List<int> positions)
    {
        var first = positions[0];
        var count = 1;
        for (var i = 1; i < positions.Count; i++)
        {
            if (positions[i] == first + count)
            {
                count++;
                continue;
            }

            yield return (first, count);
            first = positions[i];
            count = 1;
        }

        yield return (first, count);
    }

    private static (double Left, double Width) Span(TimelineWindow window, DateTimeOffset start, DateTimeOffset? end)
    {
        if (start >= window.To || (end is { } e && e <= window.From))
        {
            return (0, 0);
        }

        var left = window.PercentOf(start);
        var right = end is { } finish ? window.PercentOf(finish) : 100.0;
        return (left, Math.Max(0.25, right - left));
    }

    private static string Label(Job job, bool mayOpen) => mayOpen ? $"{job.Spec.Name} ({job.Spec.Owner})" : $"{job.Team} job";

    private static string RunningDescription(RunningJob job, bool mayOpen)
    {
        var who = mayOpen ? $"job {job.Job.Id} {job.Job.Spec.Name} ({job.Job.Spec.Owner}, {job.Job.Team})" : $"a {job.Job.Team} job";
        var gpus = Count(job.Allocation.GpuIndices.Length, "GPU");
        var end = job.Allocation.ExpectedEnd is { } at ? $"expected to end by {Time(at)}" : "no walltime, so no expected end";
        var borrowing = job.Borrowing ? "; borrowed (preemptible)" : "";
        return $"{who}: {gpus} on {job.Allocation.Describe()}, running since {Time(job.Allocation.Start)}, {end}{borrowing}";
    }

    private static string EstimatedDescription(EstimatedPlacement placement, bool mayOpen)
    {
        var who = mayOpen ? $"job {placement.Job.Id} {placement.Job.Spec.Name} ({placement.Job.Spec.Owner}, {placement.Job.Team})" : $"a {placement.Job.Team} job";
        var walltime = placement.Job.Spec.Walltime is { } w ? $" for up to {Jobs.WalltimeText.Format(w)}" : "";
        return $"{who}: waiting; estimated to start at {Time(placement.Start)} on {placement.Node} with {Count(placement.Gpus, "GPU")}{walltime} (an estimate)";
    }

    private static string NodeSummary(Node node)
    {
        var gpus = node.Gpus.IsEmpty ? "no GPU" : string.Join(", ", node.Gpus.GroupBy(g => g.Model, StringComparer.Ordinal).Select(g => $"{g.Count()} x {g.Key}"));
        return $"{gpus} · {node.State}";
    }

    private static string Count(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    internal static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("ddd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static List<EstimatedPlacement> EstimatedPlacements(ClusterUpdate update, TimelineWindow window)
    {
        var placements = new List<EstimatedPlacement>();
        foreach (var (id, explanation) in update.Explanations)
        {
            if (explanation is { EstimatedStart: { } start, Reservation: { } reservation } && start < window.To && update.Snapshot.Pending.Find(id) is { } job)
            {
                placements.Add(new EstimatedPlacement(job, reservation.Node, start < window.From ? window.From : start, (int)reservation.Amount.Gpus));
            }
        }

        return placements;
    }

    private static ImmutableArray<TimelineQueued> UnplacedOf(ClusterUpdate update, TimelineWindow window, ICurrentUser viewer) =>
    [
        .. update.Explanations
            .Where(e => e.Value is { EstimatedStart: { } start, Reservation: null } && start < window.To)
            .Select(e => (Explanation: e.Value, Job: update.Snapshot.Pending.Find(e.Key)))
            .Where(e => e.Job is not null)
            .OrderBy(e => e.Explanation.EstimatedStart).ThenBy(e => e.Job!.Id)
            .Take(MaxUnplaced)
            .Select(e =>
            {
                var job = e.Job!;
                var mayOpen = viewer.CanSeeJob(job.Spec.Owner, job.Team);
                var start = e.Explanation.EstimatedStart!.Value;
                var gpus = (int)job.Request.Gpus;
                return new TimelineQueued(job.Id, Label(job, mayOpen), mayOpen, start, gpus,
                    $"{Label(job, mayOpen)}: estimated to start at {Time(start)} with {Count(gpus, "GPU")}; the node is chosen when it starts");
            }),
    ];

    private sealed record EstimatedPlacement(Job Job, string Node, DateTimeOffset Start, int Gpus);
}
