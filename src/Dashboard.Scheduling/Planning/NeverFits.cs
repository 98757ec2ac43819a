using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 1 of a pass, also called directly at submit time and by the what-if panel: a request that no node
/// could ever hold, or that its team may never hold, is refused at once with a reason a person can act on.
/// Nodes that are Down do not count; Ready and Draining nodes do (a drained node comes back), and so do nodes being
/// provisioned and the shapes of elastic pools (<see cref="ClusterSnapshot.ElasticNodeShapes"/>).
/// </summary>
public sealed class NeverFits
{
    private readonly Dictionary<string, TeamQuota> quotas;
    private readonly List<NodeShape> shapes;
    private static readonly ConditionalWeakTable<Node[], List<NodeShape>> ShapesByNodeList = new();

    private readonly Dictionary<ResourceRequest, string?> nodeReasons = [];

    private readonly ImmutableArray<Node> nodes;

    /// <summary>Why nodes that are down with a note are down ("node local: the local node runs no jobs: ..."); empty when none is.</summary>
    /// <remarks>Written out only when a reason needs it (a walk over every node).</remarks>
    private string DownNotes => downNotes ??= string.Join("; ", nodes.Where(n => n is { State: NodeState.Down, Note: not null }).Select(n => $"node {n.Name}: {n.Note}"));

    private string? downNotes;

    private NeverFits(ClusterSnapshot snapshot)
    {
        nodes = snapshot.Nodes;
        quotas = snapshot.Quotas.ToDictionary(q => q.Team, StringComparer.Ordinal);
        shapes = ShapesOf(snapshot.Nodes);
        if (!snapshot.ElasticNodeShapes.IsDefaultOrEmpty)
        {
            shapes = [.. shapes, .. ShapesOf(snapshot.ElasticNodeShapes)];
        }
    }

    /// <summary>
    /// The distinct shapes of the nodes that are or will be up (Ready, Draining, Provisioning). Node lists are immutable and most passes share the previous
    /// pass's list (jobs come and go, nodes rarely change), so the shapes are kept per list.
    /// </summary>
    private static List<NodeShape> ShapesOf(ImmutableArray<Node> nodes)
    {
        var array = ImmutableCollectionsMarshal.AsArray(nodes) ?? [];
        return ShapesByNodeList.GetValue(array, static list =>
        {
            var distinct = new Dictionary<(long Cpu, long Memory, string Gpus), NodeShape>();
            foreach (var node in list)
            {
                if (node.State is NodeState.Ready or NodeState.Draining or NodeState.Provisioning || node is { State: NodeState.Down, ExpectedBack: true })
                {
                    var key = (node.CpuMillicores, node.MemoryMiB, NodeShape.GpuKeyOf(node));
                    if (!distinct.ContainsKey(key))
                    {
                        distinct[key] = NodeShape.Of(node);
                    }
                }
            }

            return [.. distinct.Values];
        });
    }

    /// <summary>A checker for many jobs against one snapshot (node shapes are summarised once).</summary>
    public static NeverFits For(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new NeverFits(snapshot);
    }

    /// <summary>Null when the job could run some day; otherwise why it never can.</summary>
    public static string? Check(ClusterSnapshot snapshot, JobSpec spec) => For(snapshot).Check(spec);

    /// <summary>Null when the job could run some day; otherwise why it never can.</summary>
    public string? Check(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Check(new JobShape(spec.Team, spec.Request, spec.Priority));
    }

    /// <summary>Null when jobs of this shape could run some day; otherwise why they never can.</summary>
    public string? Check(JobShape shape)
    {
        var request = shape.Request;
        if (!quotas.TryGetValue(shape.Team, out var quota))
        {
            return $"team {shape.Team} has no quota; ask an admin to add one";
        }

        if (shape.Priority > quota.MaxPriority)
        {
            return $"priority {shape.Priority} is above team {shape.Team}'s maximum of {quota.MaxPriority}";
        }

        if (QuotaCeiling(request, quota) is { } quotaReason)
        {
            return quotaReason;
        }

        return NodeReason(request);
    }

    private string? NodeReason(ResourceRequest request)
    {
        if (!nodeReasons.TryGetValue(request, out var nodeReason))
        {
            nodeReason = NodeCeiling(request);
            if (nodeReason is not null && DownNotes.Length > 0)
            {
                nodeReason = $"{nodeReason} ({DownNotes})";
            }

            nodeReasons[request] = nodeReason;
        }

        return nodeReason;
    }

    /// <summary>
    /// The teams of <paramref name="pending"/> that may hold a job that can never fit (a superset; often none). Exact per
    /// rule, from the queue's summaries instead of its jobs: a request no node could hold puts every team in; otherwise
    /// a team is in when it has no quota, its highest priority is above its maximum, or its largest request in some
    /// dimension is above its ceiling.
    /// </summary>
    public IReadOnlyCollection<string> TeamsThatMayHoldNeverFittingJobs(PendingQueue pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        foreach (var request in pending.Requests.Keys)
        {
            if (NodeReason(request) is not null)
            {
                return [.. pending.ByTeam.Keys];
            }
        }

        var teams = new List<string>();
        foreach (var (team, queue) in pending.ByTeam)
        {
            if (!quotas.TryGetValue(team, out var quota)
                || queue.Min!.Priority > quota.MaxPriority
                || !pending.Demand[team].Peak.FitsWithin(quota.Ceiling))
            {
                teams.Add(team);
            }
        }

        return teams;
    }

    private static string? QuotaCeiling(ResourceRequest request, TeamQuota quota)
    {
        var ceiling = quota.Ceiling;
        if (request.Gpus > ceiling.Gpus)
        {
            return $"needs {Units.Gpus(request.Gpus)}; team {quota.Team} may hold at most {ceiling.Gpus} (nominal {quota.Nominal.Gpus} + borrowing {quota.BorrowingLimit.Gpus})";
        }

        if (request.CpuMillicores > ceiling.CpuMillicores)
        {
            return $"needs {Units.CpuCores(request.CpuMillicores)}; team {quota.Team} may hold at most {Units.Cores(ceiling.CpuMillicores)}";
        }

        return request.MemoryMiB > ceiling.MemoryMiB
            ? $"needs {Units.Memory(request.MemoryMiB)} of memory; team {quota.Team} may hold at most {Units.Memory(ceiling.MemoryMiB)}"
            : null;
    }

    private string? NodeCeiling(ResourceRequest request)
    {
        if (shapes.Count == 0)
        {
            return "the cluster has no node that is up";
        }

        if (request.GpuModel is { } model && request.Gpus > 0)
        {
            var mostOfModel = shapes.Max(s => s.CountGpus(model));
            if (mostOfModel == 0)
            {
                var models = shapes.SelectMany(s => s.GpusByModel.Select(m => m.Model)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
                return models.Count == 0
                    ? $"needs {model} GPUs; no node has GPUs"
                    : $"needs {model} GPUs; no node has that model (available: {string.Join(", ", models)})";
            }

            if (request.Gpus > mostOfModel)
            {
                return $"needs {request.Gpus} {model} {(request.Gpus == 1 ? "GPU" : "GPUs")}; the largest node has {mostOfModel}";
            }
        }

        var mostGpus = shapes.Max(s => s.GpuCount);
        if (request.Gpus > mostGpus)
        {
            return mostGpus == 0
                ? $"needs {Units.Gpus(request.Gpus)}; no node has GPUs"
                : $"needs {Units.Gpus(request.Gpus)}; the largest node has {mostGpus}";
        }

        var mostCpu = shapes.Max(s => s.CpuMillicores);
        if (request.CpuMillicores > mostCpu)
        {
            return $"needs {Units.CpuCores(request.CpuMillicores)}; the largest node has {Units.CpuCores(mostCpu)}";
        }

        var mostMemory = shapes.Max(s => s.MemoryMiB);
        if (request.MemoryMiB > mostMemory)
        {
            return $"needs {Units.Memory(request.MemoryMiB)} of memory; the largest node has {Units.Memory(mostMemory)}";
        }

        var anyHoldsAll = shapes.Any(s =>
            s.CountGpus(request.GpuModel) >= request.Gpus && s.CpuMillicores >= request.CpuMillicores && s.MemoryMiB >= request.MemoryMiB);
        return anyHoldsAll
            ? null
            : $"no single node has {Units.Gpus(request.Gpus)}, {Units.CpuCores(request.CpuMillicores)} and {Units.Memory(request.MemoryMiB)} of memory together";
    }

    /// <summary>What a node could hold when empty; many nodes share one shape.</summary>
    private sealed record NodeShape(long CpuMillicores, long MemoryMiB, string GpuKey, IReadOnlyList<(string Model, int Count)> GpusByModel)
    {
        public int GpuCount => GpusByModel.Sum(m => m.Count);

        /// <summary>Cheap for the common node whose GPUs are all one model ("A100=8"); exact for mixed nodes.</summary>
        public static string GpuKeyOf(Node node)
        {
            if (node.Gpus.IsEmpty)
            {
                return string.Empty;
            }

            var model = node.Gpus[0].Model;
            foreach (var gpu in node.Gpus)
            {
                if (!GpuModels.Match(gpu.Model, model))
                {
                    return Of(node).GpuKey;
                }
            }

            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{model.ToUpperInvariant()}={node.Gpus.Length}");
        }

        public static NodeShape Of(Node node)
        {
            var byModel = node.Gpus
                .GroupBy(g => g.Model, StringComparer.OrdinalIgnoreCase)
                .Select(g => (Model: g.Key, Count: g.Count()))
                .OrderBy(m => m.Model, StringComparer.OrdinalIgnoreCase)
                .ToList();
            var key = string.Join(";", byModel.Select(m => $"{m.Model.ToUpperInvariant()}={m.Count}"));
            return new NodeShape(node.CpuMillicores, node.MemoryMiB, key, byModel);
        }


        public int CountGpus(string? model) =>
            model is null ? GpuCount : GpusByModel.Where(m => GpuModels.Match(m.Model, model)).Sum(m => m.Count);
    }
}
