using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// The safety rules every cluster state must obey, checked the same way by property tests, by recovery after a
/// restart and by the engine's debug checks: no GPU index held twice, no node's CPU or memory over-committed,
/// no allocation on an unknown node or GPU, and no team above its nominal quota except through borrowing jobs.
/// </summary>
public static class SnapshotInvariants
{
    /// <summary>Every violation found, as sentences; empty when the state is sound.</summary>
    public static IReadOnlyList<string> Violations(IEnumerable<Node> nodes, IEnumerable<RunningJob> running, IEnumerable<TeamQuota> quotas)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(running);
        ArgumentNullException.ThrowIfNull(quotas);
        var violations = new List<string>();
        var nodesByName = nodes.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var heldGpus = new Dictionary<(string Node, int Index), JobId>();
        var heldOnNode = new Dictionary<string, ResourceAmount>(StringComparer.Ordinal);
        var nominalUse = new Dictionary<string, ResourceAmount>(StringComparer.Ordinal);
        var jobIds = new HashSet<JobId>();

        foreach (var job in running)
        {
            var allocation = job.Allocation;
            if (!jobIds.Add(job.Job.Id))
            {
                violations.Add($"job {job.Job.Id} holds more than one allocation");
            }

            if (!nodesByName.TryGetValue(allocation.Node, out var node))
            {
                violations.Add($"job {job.Job.Id} is allocated on unknown node {allocation.Node}");
                continue;
            }

            foreach (var index in allocation.GpuIndices)
            {
                if (!node.Gpus.Any(g => g.Index == index))
                {
                    violations.Add($"job {job.Job.Id} holds GPU {index} which {node.Name} does not have");
                }
                else if (!heldGpus.TryAdd((node.Name, index), job.Job.Id))
                {
                    violations.Add($"GPU {index} on {node.Name} is held by jobs {heldGpus[(node.Name, index)]} and {job.Job.Id}");
                }
            }

            heldOnNode[node.Name] = heldOnNode.GetValueOrDefault(node.Name) + allocation.Amount;
            if (!job.Borrowing)
            {
                nominalUse[job.Job.Team] = nominalUse.GetValueOrDefault(job.Job.Team) + allocation.Amount;
            }
        }

        foreach (var (name, held) in heldOnNode)
        {
            var node = nodesByName[name];
            if (held.CpuMillicores > node.CpuMillicores)
            {
                violations.Add($"{name} has {Units.Cores(held.CpuMillicores)} CPU cores allocated of {Units.Cores(node.CpuMillicores)}");
            }

            if (held.MemoryMiB > node.MemoryMiB)
            {
                violations.Add($"{name} has {Units.Memory(held.MemoryMiB)} allocated of {Units.Memory(node.MemoryMiB)}");
            }
        }

        var quotaByTeam = quotas.ToDictionary(q => q.Team, StringComparer.Ordinal);
        foreach (var (team, used) in nominalUse)
        {
            if (quotaByTeam.TryGetValue(team, out var quota) && !used.FitsWithin(quota.Nominal))
            {
                violations.Add($"team {team} holds {used} without borrowing, above its nominal quota {quota.Nominal}");
            }
        }

        return violations;
    }

    public static IReadOnlyList<string> Violations(ClusterSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var teamsKept = RunningTeams.Remembered(snapshot.Running);
        var idsKept = RunningTeams.RememberedIds(snapshot.Running);
        var teamsWrong = (teamsKept is not null && !teamsKept.SequenceEqual(snapshot.Running.Select(r => r.Job.Team), StringComparer.Ordinal))
            || (idsKept is not null && !idsKept.SequenceEqual(snapshot.Running.Select(r => r.Job.Id.Value)));
        return
        [
            .. Violations(snapshot.Nodes, snapshot.Running, snapshot.Quotas),
            .. SummaryViolations(snapshot.Pending),
            .. teamsWrong ? ["the teams kept beside the running jobs do not match them"] : Array.Empty<string>(),
        ];
    }

    /// <summary>
    /// The pending queue's summaries (kept up to date on every add and remove) must equal what its jobs give when
    /// counted from scratch: each team's requests, largest request and CPU-only jobs, and all teams' requests.
    /// </summary>
    public static IReadOnlyList<string> SummaryViolations(PendingQueue pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        var violations = new List<string>();
        var allRequests = new Dictionary<ResourceRequest, int>();
        foreach (var (team, queue) in pending.ByTeam)
        {
            var requests = new Dictionary<ResourceRequest, int>();
            foreach (var job in queue)
            {
                requests[job.Request] = requests.GetValueOrDefault(job.Request) + 1;
                allRequests[job.Request] = allRequests.GetValueOrDefault(job.Request) + 1;
            }

            var expected = new TeamDemand(requests.ToImmutableDictionary(), TeamDemand.PeakOf(requests.Keys), queue.Count(j => j.Request.Gpus == 0));
            if (!pending.Demand.TryGetValue(team, out var demand) || !SameCounts(demand.Requests, requests) || demand.Peak != expected.Peak || demand.WithoutGpus != expected.WithoutGpus)
            {
                violations.Add($"the pending queue's demand summary of team {team} does not match its jobs");
            }
        }

        if (pending.Demand.Count != pending.ByTeam.Count)
        {
            violations.Add("the pending queue summarises the demand of a team without pending jobs");
        }

        if (!SameCounts(pending.Requests, allRequests))
        {
            violations.Add("the pending queue's request counts do not match its jobs");
        }

        return violations;
    }

    private static bool SameCounts(ImmutableDictionary<ResourceRequest, int> counts, Dictionary<ResourceRequest, int> expected) =>
        counts.Count == expected.Count && expected.All(e => counts.TryGetValue(e.Key, out var count) && count == e.Value);
}
