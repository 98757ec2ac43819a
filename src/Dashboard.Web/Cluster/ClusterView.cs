using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Cluster;

/// <summary>What the Cluster page shows for one <see cref="ClusterUpdate"/>: a card (or heat-map row) per node and the team legend.</summary>
public sealed record ClusterView(
    DateTimeOffset At,
    ImmutableArray<NodeView> Nodes,
    ImmutableArray<TeamColour> Legend,
    ClusterTotals Totals)
{
    /// <summary>Above this many nodes the page draws a compact heat map (one cell per GPU) instead of cards.</summary>
    public const int CompactAbove = 100;

    public static ClusterView Empty { get; } = new(DateTimeOffset.MinValue, [], [], ClusterTotals.Empty);

    private static readonly ConditionalWeakTable<ClusterSnapshot, ClusterView> Shared = [];

    /// <summary>The view built last: a new view takes its node views (and legend) where they are equal, see <see cref="From"/>.</summary>
    private static ClusterView? lastBuilt;

    public bool Compact => Nodes.Length > CompactAbove;

    /// <summary>Whether any GPU runs borrowed work (the legend explains the stripes then): worked out once per view, not per circuit and render.</summary>
    public bool AnyBorrowed { get; private init; }

    /// <summary>
    /// True when the page would draw <paramref name="other"/> exactly as this: the same nodes, GPU by GPU (which also
    /// decides the node count, compact mode and the "waiting" notice), and the same legend. <see cref="At"/> and
    /// <see cref="Totals"/> are not on the page and do not count: an update that changed nothing shown must cost the
    /// browser nothing, so the page skips its render.
    /// </summary>
    public bool ShowsSameAs(ClusterView? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || ((Nodes == other.Nodes || Nodes.AsSpan().SequenceEqual(other.Nodes.AsSpan()))
                && (Legend == other.Legend || Legend.AsSpan().SequenceEqual(other.Legend.AsSpan()))));

    /// <summary>
    /// True when the Cluster page itself (not its heat map) would draw <paramref name="other"/> as this. With cards
    /// (up to <see cref="CompactAbove"/> nodes) that is <see cref="ShowsSameAs"/>; with the heat map the page draws the
    /// node count, the legend and whether it explains borrowed stripes, and the rows are the map's own (it takes newer
    /// nodes without the page rendering and renders only when a row it draws changed).
    /// </summary>
    public bool PageShowsSameAs(ClusterView? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Compact && other.Compact
                ? Nodes.Length == other.Nodes.Length && AnyBorrowed == other.AnyBorrowed
                    && (Legend == other.Legend || Legend.AsSpan().SequenceEqual(other.Legend.AsSpan()))
                : ShowsSameAs(other)));

    /// <summary>
    /// The view of <paramref name="update"/>'s snapshot, built once however many circuits show it: every subscriber
    /// gets the same snapshot object, so at 1,000 nodes x 8 GPUs each update costs one view, not one per browser.
    /// </summary>
    public static ClusterView Of(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Shared.GetValue(update.Snapshot, _ => From(update));
    }

    /// <summary>
    /// Builds the view of <paramref name="update"/>. A node whose view equals the one in the view built before keeps that
    /// object (and an unchanged cluster keeps the whole array and legend), so what every circuit holds and compares is
    /// shared: per circuit, an update's comparisons are by reference except for the nodes that changed, and the tiles'
    /// texts (<see cref="GpuTile.Describe"/>) are made once, not per circuit or per update.
    /// </summary>
    public static ClusterView From(ClusterUpdate update)
    {
        var shared = From(update, Volatile.Read(ref lastBuilt));
        Volatile.Write(ref lastBuilt, shared);
        return shared;
    }

    /// <summary>The view of <paramref name="update"/> with <paramref name="before"/>'s node views and legend where they are equal.</summary>
    internal static ClusterView From(ClusterUpdate update, ClusterView? before)
    {
        ArgumentNullException.ThrowIfNull(update);
        var built = Build(update);
        return before is null ? built : built.SharingWith(before);
    }

    /// <summary>This view with <paramref name="before"/>'s node views where they are equal (same name at the same place).</summary>
    private ClusterView SharingWith(ClusterView before)
    {
        var nodes = Nodes;
        if (before.Nodes.Length == Nodes.Length)
        {
            var reused = Nodes.ToBuilder();
            var all = true;
            for (var i = 0; i < reused.Count; i++)
            {
                if (before.Nodes[i].Equals(reused[i]))
                {
                    reused[i] = before.Nodes[i];
                }
                else
                {
                    all = false;
                }
            }

            nodes = all ? before.Nodes : reused.ToImmutable();
        }

        var legend = Legend.AsSpan().SequenceEqual(before.Legend.AsSpan()) ? before.Legend : Legend;
        return this with { Nodes = nodes, Legend = legend };
    }

    private static ClusterView Build(ClusterUpdate update)
    {
        var snapshot = update.Snapshot;
        var teams = TeamPalette.Assign(snapshot.Quotas.Select(q => q.Team).Concat(snapshot.Running.Select(r => r.Job.Team)));
        var byGpu = new Dictionary<(string Node, int Gpu), RunningJob>();
        foreach (var running in snapshot.Running)
        {
            foreach (var index in running.Allocation.GpuIndices)
            {
                byGpu[(running.Allocation.Node, index)] = running;
            }
        }

        var summaries = update.Summary.Nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var notes = update.ElasticPools.SelectMany(p => p.NodeNotes).ToDictionary(n => n.Key, n => n.Value, StringComparer.Ordinal);
        var nodes = snapshot.Nodes
            .Select(node => NodeView.Of(node, summaries.GetValueOrDefault(node.Name), byGpu, teams) with { Note = notes.GetValueOrDefault(node.Name) ?? node.Note })
            .ToImmutableArray();
        var present = snapshot.Running.Select(r => r.Job.Team).ToHashSet(StringComparer.Ordinal);
        var legend = teams.Where(t => present.Contains(t.Key))
            .OrderBy(t => t.Key, StringComparer.Ordinal)
            .Select(t => new TeamColour(t.Key, t.Value))
            .ToImmutableArray();
        return new ClusterView(update.At, nodes, legend, ClusterTotals.Of(update.Summary)) { AnyBorrowed = nodes.Any(n => n.HasBorrowed) };
    }
}

public sealed record TeamColour(string Team, string Colour);

/// <summary>
/// One node: its state, its GPUs as tiles, and CPU and memory requested against capacity; for an elastic pool's node,
/// its pool and why it is provisioning, being handed back or failed (<see cref="Note"/>).
/// </summary>
public sealed record NodeView(
    string Name,
    NodeState State,
    bool Simulated,
    ImmutableArray<GpuTile> Gpus,
    UsageBar Cpu,
    UsageBar Memory,
    string? Pool = null,
    string? Note = null)
{
    private string? heatTitle;
    private string? heatUsage;
    private HeatRowMarkup? heatRow;

    /// <summary>The heat map row as <paramref name="viewer"/> may read it: one shared HTML text per node view and visibility pattern.</summary>
    public Microsoft.AspNetCore.Components.MarkupString HeatRow(ICurrentUser? viewer) =>
        (heatRow ?? Interlocked.CompareExchange(ref heatRow, new HeatRowMarkup(this), null) ?? heatRow).For(viewer);

    public int GpusUsed => Gpus.Count(g => g.Allocation is not null);

    /// <summary>The heat map row's title, "gpu-0001: Ready (simulated)": made once per node view and shared by every circuit.</summary>
    public string HeatTitle => heatTitle ??= $"{Name}: {StateText}{(Simulated ? " (simulated)" : "")}";

    /// <summary>The heat map row's usage, "CPU 25% · Mem 10%": made once per node view and shared by every circuit.</summary>
    public string HeatUsage => heatUsage ??= string.Create(CultureInfo.InvariantCulture, $"CPU {Cpu.Percent:0}% · Mem {Memory.Percent:0}%");

    /// <summary>
    /// The state as people read it: a Draining node that has nothing left on it (no GPU, CPU or memory held) is
    /// "Drained", ready to be worked on; otherwise the state's name.
    /// </summary>
    public string StateText => State == NodeState.Draining && GpusUsed == 0 && Cpu.Used == 0 && Memory.Used == 0 ? "Drained" : State.ToString();

    /// <summary>Whether any GPU of the node runs borrowed (preemptible) work: the legend then explains the stripes.</summary>
    public bool HasBorrowed => Gpus.Any(g => g.Allocation is { Borrowed: true });

    /// <summary>
    /// Equal when everything the node's card shows is equal, GPU by GPU (a record would compare the tile arrays by
    /// reference, and each snapshot builds new ones): lets a card whose node did not change skip its re-render.
    /// </summary>
    public bool Equals(NodeView? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Name == other.Name && State == other.State && Simulated == other.Simulated && Cpu == other.Cpu && Memory == other.Memory
                && Pool == other.Pool && Note == other.Note && Gpus.AsSpan().SequenceEqual(other.Gpus.AsSpan())));

    public override int GetHashCode() => HashCode.Combine(Name, State, Simulated, Cpu, Memory, Pool, Note, Gpus.Length);

    /// <summary>"8 × A100-80GB", "4 × A100-80GB, 2 × L4", "no GPUs".</summary>
    public string GpuModels => Gpus.IsEmpty
        ? "no GPUs"
        : string.Join(", ", Gpus.GroupBy(g => g.Model, StringComparer.Ordinal).Select(g => $"{g.Count()} × {g.Key}"));

    internal static NodeView Of(Node node, NodeSummary? summary, Dictionary<(string Node, int Gpu), RunningJob> byGpu, IReadOnlyDictionary<string, string> teams)
    {
        var tiles = node.Gpus
            .OrderBy(g => g.Index)
            .Select(gpu => byGpu.TryGetValue((node.Name, gpu.Index), out var running)
                ? new GpuTile(gpu.Index, gpu.Model, TileAllocation.Of(running, teams))
                : new GpuTile(gpu.Index, gpu.Model, null))
            .ToImmutableArray();
        var cpuUsed = summary?.CpuMillicoresUsed ?? 0;
        var memoryUsed = summary?.MemoryMiBUsed ?? 0;
        var cpu = new UsageBar("CPU", cpuUsed, node.CpuMillicores, $"{Display.CoresValue(cpuUsed)} / {Display.Cores(node.CpuMillicores)} requested");
        var memory = new UsageBar("Memory", memoryUsed, node.MemoryMiB, $"{Display.GiBValue(memoryUsed)} / {Display.GiB(node.MemoryMiB)} requested");
        return new NodeView(node.Name, node.State, node.Simulated, tiles, cpu, memory, node.Pool);
    }
}

/// <summary>
/// One GPU; <see cref="Allocation"/> is null when it is free. Its texts are made once per tile and shared by every circuit
/// that shows it (the tile is shared with the view, and kept from one view to the next while it does not change).
/// </summary>
public sealed record GpuTile(int Index, string Model, TileAllocation? Allocation)
{
    private string? named;
    private string? unnamed;

    public bool Free => Allocation is null;

    /// <summary>
    /// Plain text for a tooltip, a title attribute or an aria-label, as <paramref name="viewer"/> may read it (the
    /// visibility rule, <see cref="Permissions.CanSeeJob"/>): the job's name and owner only to those who may open the
    /// job; anyone else reads which team holds the GPU, whether it is borrowed, and for how long.
    /// </summary>
    public string Describe(ICurrentUser? viewer)
    {
        if (Allocation is not { } held)
        {
            return unnamed ??= $"GPU {Index} ({Model}): free";
        }

        return held.SeenBy(viewer) ? named ??= Text(held, named: true) : unnamed ??= Text(held, named: false);
    }

    /// <summary>Equal when index, model and allocation are (the texts kept for <see cref="Describe"/> follow from them).</summary>
    public bool Equals(GpuTile? other) =>
        other is not null && (ReferenceEquals(this, other) || (Index == other.Index && Model == other.Model && Allocation == other.Allocation));

    public override int GetHashCode() => HashCode.Combine(Index, Model, Allocation);

    private string Text(TileAllocation held, bool named)
    {
        var kind = held.Session ? "interactive session" : "job";
        var who = named ? $"{kind} {held.Job} \"{held.JobName}\", {held.Owner} ({held.Team})" : $"{(held.Session ? "an" : "a")} {kind} of team {held.Team}";
        var borrowed = held.Borrowed ? ", borrowed (preemptible)" : string.Empty;
        return $"GPU {Index} ({Model}): {who}{borrowed}, since {Display.Time(held.Since)}, expected end {Display.Time(held.ExpectedEnd)}";
    }
}

/// <summary>
/// Who holds a GPU and for how long; <see cref="Borrowed"/> when the job runs on capacity its team borrowed beyond its
/// nominal quota (it may be preempted when the lender needs it back).
/// </summary>
public sealed record TileAllocation(long Job, string JobName, string Owner, string Team, string Colour, DateTimeOffset Since, DateTimeOffset? ExpectedEnd, bool Borrowed = false, bool Session = false)
{
    /// <summary>The visibility rule: whether <paramref name="viewer"/> may read this job's name and owner (null: nobody signed in, never).</summary>
    public bool SeenBy(ICurrentUser? viewer) => viewer is not null && viewer.CanSeeJob(Owner, Team);

    internal static TileAllocation Of(RunningJob running, IReadOnlyDictionary<string, string> teams) => new(
        running.Job.Id.Value,
        running.Job.Spec.Name,
        running.Job.Spec.Owner,
        running.Job.Team,
        teams[running.Job.Team],
        running.Allocation.Start,
        running.Allocation.ExpectedEnd,
        running.Borrowing,
        running.Job.IsSession);
}

/// <summary>Requested against capacity, in the resource's own unit (millicores, MiB), with the text to show.</summary>
public sealed record UsageBar(string Label, long Used, long Capacity, string Text)
{
    /// <summary>0-100, for a progress bar.</summary>
    public double Percent => Capacity <= 0 ? 0 : Math.Min(100, 100.0 * Used / Capacity);
}

/// <summary>The app bar's live totals.</summary>
public sealed record ClusterTotals(string Gpus, string Cpu, string Memory, int Pending, int Running)
{
    public static ClusterTotals Empty { get; } = new("–", "–", "–", 0, 0);

    private static readonly ConditionalWeakTable<ClusterSummary, ClusterTotals> Shared = [];

    /// <summary>
    /// The totals of <paramref name="summary"/>, worked out once however many circuits show them and however often
    /// each compares them (every update, in the layout's check and in the app bar).
    /// </summary>
    public static ClusterTotals Of(ClusterSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return Shared.GetValue(summary, From);
    }

    private static ClusterTotals From(ClusterSummary summary) =>
        new(
            $"{summary.GpusUsed}/{summary.GpusTotal}",
            $"{Display.CoresValue(summary.CpuMillicoresUsed)}/{Display.Cores(summary.CpuMillicoresTotal)}",
            $"{Display.GiBValue(summary.MemoryMiBUsed)}/{Display.GiB(summary.MemoryMiBTotal)}",
            summary.PendingJobs,
            summary.RunningJobs);
}
