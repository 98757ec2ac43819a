using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.CompilerServices;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;

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

    public bool Compact => Nodes.Length > CompactAbove;

    /// <summary>
    /// True when the page would draw <paramref name="other"/> exactly as this: the same nodes, GPU by GPU (which also
    /// decides the node count, compact mode and the "waiting" notice), and the same legend. <see cref="At"/> and
    /// <see cref="Totals"/> are not on the page and do not count: an update that changed nothing shown must cost the
    /// browser nothing, so the page skips its render.
    /// </summary>
    public bool ShowsSameAs(ClusterView? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (Nodes.AsSpan().SequenceEqual(other.Nodes.AsSpan()) && Legend.AsSpan().SequenceEqual(other.Legend.AsSpan())));

    /// <summary>
    /// The view of <paramref name="update"/>'s snapshot, built once however many circuits show it: every subscriber
    /// gets the same snapshot object, so at 1,000 nodes x 8 GPUs each update costs one view, not one per browser.
    /// </summary>
    public static ClusterView Of(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Shared.GetValue(update.Snapshot, _ => From(update));
    }

    public static ClusterView From(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
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
        return new ClusterView(update.At, nodes, legend, ClusterTotals.Of(update.Summary));
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
    public int GpusUsed => Gpus.Count(g => g.Allocation is not null);

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

/// <summary>One GPU; <see cref="Allocation"/> is null when it is free.</summary>
public sealed record GpuTile(int Index, string Model, TileAllocation? Allocation)
{
    public bool Free => Allocation is null;

    /// <summary>Plain text for a tooltip or a title attribute.</summary>
    public string Describe() => Allocation is null
        ? $"GPU {Index} ({Model}): free"
        : $"GPU {Index} ({Model}): job {Allocation.Job} \"{Allocation.JobName}\", {Allocation.Owner} ({Allocation.Team}), since {Display.Time(Allocation.Since)}, expected end {Display.Time(Allocation.ExpectedEnd)}";
}

/// <summary>Who holds a GPU and for how long.</summary>
public sealed record TileAllocation(long Job, string JobName, string Owner, string Team, string Colour, DateTimeOffset Since, DateTimeOffset? ExpectedEnd)
{
    internal static TileAllocation Of(RunningJob running, IReadOnlyDictionary<string, string> teams) => new(
        running.Job.Id.Value,
        running.Job.Spec.Name,
        running.Job.Spec.Owner,
        running.Job.Team,
        teams[running.Job.Team],
        running.Allocation.Start,
        running.Allocation.ExpectedEnd);
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

    public static ClusterTotals Of(ClusterSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return new(
            $"{summary.GpusUsed}/{summary.GpusTotal}",
            $"{Display.CoresValue(summary.CpuMillicoresUsed)}/{Display.Cores(summary.CpuMillicoresTotal)}",
            $"{Display.GiBValue(summary.MemoryMiBUsed)}/{Display.GiB(summary.MemoryMiBTotal)}",
            summary.PendingJobs,
            summary.RunningJobs);
    }
}

/// <summary>
/// A stable colour per team: a team's colour comes from a hash of its name (FNV-1a, the same in every process), and
/// when two known teams land on the same palette slot the later one (by name) takes the next free slot, so the
/// teams of one cluster stay distinguishable. Beyond the palette's size colours come from the hash as a hue.
/// </summary>
public static class TeamPalette
{
    public static ImmutableArray<string> Colours { get; } =
    [
        "#1e88e5", "#e53935", "#43a047", "#fb8c00", "#8e24aa", "#00acc1",
        "#6d4c41", "#d81b60", "#7cb342", "#3949ab", "#fdd835", "#546e7a",
    ];

    public static IReadOnlyDictionary<string, string> Assign(IEnumerable<string> teams)
    {
        ArgumentNullException.ThrowIfNull(teams);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new bool[Colours.Length];
        foreach (var team in teams.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var hash = Hash(team);
            var slot = (int)(hash % (uint)Colours.Length);
            var probes = 0;
            while (taken[slot] && probes < Colours.Length)
            {
                slot = (slot + 1) % Colours.Length;
                probes++;
            }

            if (probes < Colours.Length)
            {
                taken[slot] = true;
                result[team] = Colours[slot];
            }
            else
            {
                result[team] = string.Create(CultureInfo.InvariantCulture, $"hsl({hash % 360}, 60%, 45%)");
            }
        }

        return result;
    }

    private static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return hash;
    }
}

/// <summary>How the dashboard writes amounts and instants.</summary>
public static class Display
{
    public static string Cores(long millicores) => CoresValue(millicores) + " cores";

    public static string CoresValue(long millicores) => (millicores / 1000.0).ToString("0.#", CultureInfo.InvariantCulture);

    public static string GiB(long mebibytes) => GiBValue(mebibytes) + " GiB";

    public static string GiBValue(long mebibytes) => (mebibytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>When explanations were computed, to the second: "as of 14:02:05 UTC".</summary>
    public static string AsOf(DateTimeOffset at) =>
        "as of " + at.UtcDateTime.ToString("HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>UTC, to the minute ("2026-11-28 14:05 UTC"); "none" for a job without a walltime.</summary>
    public static string Time(DateTimeOffset? at) =>
        at is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "none (no walltime)";
}
