using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Step 1 of a pass, also called directly at submit time and by the what-if panel: a request that no node
/// could ever hold, or that its team may never hold, is refused at once with a reason a person can act on.
/// Nodes that are Down do not count; Ready and Draining nodes do (a drained node comes back).
/// </summary>
public static class NeverFits
{
    /// <summary>Null when the job could run some day; otherwise why it never can.</summary>
    public static string? Check(ClusterSnapshot snapshot, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(spec);
        var request = spec.Request;
        var quota = snapshot.Quotas.FirstOrDefault(q => q.Team == spec.Team);
        if (quota is null)
        {
            return $"team {spec.Team} has no quota; ask an admin to add one";
        }

        if (spec.Priority > quota.MaxPriority)
        {
            return $"priority {spec.Priority} is above team {spec.Team}'s maximum of {quota.MaxPriority}";
        }

        if (QuotaCeiling(request, quota) is { } quotaReason)
        {
            return quotaReason;
        }

        return NodeCeiling(snapshot.Nodes.Where(n => n.State != NodeState.Down).ToList(), request);
    }

    private static string? QuotaCeiling(ResourceRequest request, TeamQuota quota)
    {
        var ceiling = quota.Ceiling;
        if (request.Gpus > ceiling.Gpus)
        {
            return $"needs {request.Gpus} GPUs; team {quota.Team} may hold at most {ceiling.Gpus} (nominal {quota.Nominal.Gpus} + borrowing {quota.BorrowingLimit.Gpus})";
        }

        if (request.CpuMillicores > ceiling.CpuMillicores)
        {
            return $"needs {Units.Cores(request.CpuMillicores)} CPU cores; team {quota.Team} may hold at most {Units.Cores(ceiling.CpuMillicores)}";
        }

        return request.MemoryMiB > ceiling.MemoryMiB
            ? $"needs {Units.Memory(request.MemoryMiB)} of memory; team {quota.Team} may hold at most {Units.Memory(ceiling.MemoryMiB)}"
            : null;
    }

    private static string? NodeCeiling(List<Node> nodes, ResourceRequest request)
    {
        if (nodes.Count == 0)
        {
            return "the cluster has no node that is up";
        }

        if (request.GpuModel is { } model && request.Gpus > 0)
        {
            var withModel = nodes.Where(n => n.CountGpus(model) > 0).ToList();
            if (withModel.Count == 0)
            {
                var models = nodes.SelectMany(n => n.Gpus).Select(g => g.Model).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
                return models.Count == 0
                    ? $"needs {model} GPUs; no node has GPUs"
                    : $"needs {model} GPUs; no node has that model (available: {string.Join(", ", models)})";
            }

            var mostOfModel = withModel.Max(n => n.CountGpus(model));
            if (request.Gpus > mostOfModel)
            {
                return $"needs {request.Gpus} {model} GPUs; the largest node has {mostOfModel}";
            }
        }

        var mostGpus = nodes.Max(n => n.Gpus.Length);
        if (request.Gpus > mostGpus)
        {
            return mostGpus == 0
                ? $"needs {request.Gpus} GPUs; no node has GPUs"
                : $"needs {request.Gpus} GPUs; the largest node has {mostGpus}";
        }

        var mostCpu = nodes.Max(n => n.CpuMillicores);
        if (request.CpuMillicores > mostCpu)
        {
            return $"Insufficient cpu: requests {Units.Cores(request.CpuMillicores)} cores; the largest node has {Units.Cores(mostCpu)}";
        }

        var mostMemory = nodes.Max(n => n.MemoryMiB);
        if (request.MemoryMiB > mostMemory)
        {
            return $"Insufficient memory: requests {Units.Memory(request.MemoryMiB)}; the largest node has {Units.Memory(mostMemory)}";
        }

        var anyHoldsAll = nodes.Any(n =>
            n.CountGpus(request.GpuModel) >= request.Gpus && n.CpuMillicores >= request.CpuMillicores && n.MemoryMiB >= request.MemoryMiB);
        return anyHoldsAll
            ? null
            : $"no single node has {request.Gpus} GPUs, {Units.Cores(request.CpuMillicores)} CPU cores and {Units.Memory(request.MemoryMiB)} together";
    }
}
