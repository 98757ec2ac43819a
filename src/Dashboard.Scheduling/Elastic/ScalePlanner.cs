using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Scheduling.Elastic;

/// <summary>
/// Decides when elastic pools grow and shrink: a pure function of a snapshot, the scheduler's plan for it, the pools,
/// what was remembered from earlier decisions, and the current time. Read as a recipe:
/// 1. unmet demand: the jobs the plan leaves waiting for capacity (never those blocked by their team's quota, held for
///    a reservation or refused) that their team's quota would still admit, taken in scheduling order and charged as
///    if they started, up to what the pools could still take;
/// 2. per pool, in configured order: the demand a node of the pool's shape holds (GPU model included) is packed
///    first-fit decreasing onto the nodes being provisioned (capacity coming, so a burst is not asked for twice), then
///    onto as few new nodes as possible, capped by the pool's maximum;
/// 3. hysteresis: new nodes are asked for only once the demand has lasted the pool's scale-up delay, and not before a
///    failed provider's back-off ends; a pool below its minimum is topped up at once;
/// 4. an idle node (no running job) of a pool without waiting demand is handed back once idle for the cool-down,
///    never below the pool's minimum; a paused pool neither grows nor shrinks.
/// </summary>
public static class ScalePlanner
{
    /// <param name="snapshot">The cluster the plan was made for (or, with no starts in the plan, after it was applied).</param>
    /// <param name="plan">The scheduler's decisions: its starts count as running, its explanations say why jobs wait.</param>
    public static ScaleDecision Decide(ClusterSnapshot snapshot, SchedulePlan plan, IReadOnlyList<ElasticPool> pools, ScaleHistory history, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(history);

        var running = snapshot.Running.Concat(plan.Starts.Select(s => new RunningJob(s.Job, s.Allocation, s.Borrowing))).ToList();
        var busy = running.Select(r => r.Allocation.Node).ToHashSet(StringComparer.Ordinal);
        var demand = UnmetDemand(snapshot, plan, pools, running);
        var served = new HashSet<JobId>();

        var scaleUps = ImmutableArray.CreateBuilder<ScaleUp>();
        var releases = ImmutableArray.CreateBuilder<NodeRelease>();
        var waits = ImmutableArray.CreateBuilder<ProvisioningWait>();
        var demandSince = history.DemandSince.ToBuilder();
        var idleSince = history.IdleSince.ToBuilder();

        foreach (var pool in pools)
        {
            var nodes = snapshot.Nodes.Where(n => n.Pool == pool.Name).OrderBy(n => n.Name, StringComparer.Ordinal).ToList();
            var inService = nodes.Count(n => n.State is NodeState.Ready or NodeState.Draining or NodeState.Provisioning);
            var held = nodes.Count(n => n.State != NodeState.Failed);
            var mayGrow = !pool.Paused && !(history.RetryNotBefore.TryGetValue(pool.Name, out var retryAt) && now < retryAt);

            // 2. Pack the pool's share of the demand: onto nodes coming first, then onto new ones.
            var bins = nodes.Where(n => n.State == NodeState.Provisioning)
                .Select(n => new Bin(n.Name, pool.Shape.Capacity, Later(history.RequestedAt.GetValueOrDefault(n.Name, now) + pool.ExpectedProvisioningTime, now)))
                .ToList();
            var fitting = demand.Where(d => !served.Contains(d.Job.Id) && pool.Shape.Holds(d.Job.Request))
                .OrderByDescending(d => d.Job.Request.Gpus)
                .ThenByDescending(d => d.Job.Request.CpuMillicores)
                .ThenByDescending(d => d.Job.Request.MemoryMiB)
                .ThenBy(d => d.Order)
                .ThenBy(d => d.Job.Id)
                .ToList();
            var newNodes = 0;
            foreach (var (job, _) in fitting)
            {
                var bin = bins.Find(b => job.Request.Amount.FitsWithin(b.Free));
                if (bin is null && mayGrow && held + newNodes < pool.MaxNodes)
                {
                    bin = new Bin(null, pool.Shape.Capacity, now + pool.ExpectedProvisioningTime);
                    bins.Add(bin);
                    newNodes++;
                }

                if (bin is not null)
                {
                    bin.Free -= job.Request.Amount;
                    bin.Jobs.Add(job.Id);
                    served.Add(job.Id);
                }
            }

            foreach (var bin in bins.Where(b => b.Node is not null))
            {
                waits.AddRange(bin.Jobs.Select(j => new ProvisioningWait(j, pool.Name, bin.ExpectedReady)));
            }

            // 3. Hysteresis: the demand must have lasted the scale-up delay.
            var belowMinimum = mayGrow ? Math.Min(Math.Max(0, pool.MinNodes - inService - newNodes), Math.Max(0, pool.MaxNodes - held - newNodes)) : 0;
            if (newNodes > 0)
            {
                var since = demandSince.GetValueOrDefault(pool.Name, now);
                if (now - since >= pool.ScaleUpDelay)
                {
                    var forJobs = bins.Where(b => b.Node is null).SelectMany(b => b.Jobs).Order().ToImmutableArray();
                    scaleUps.Add(new ScaleUp(pool.Name, newNodes + belowMinimum, ScaleUpReason(pool, newNodes + belowMinimum, forJobs.Length), forJobs));
                    waits.AddRange(forJobs.Select(j => new ProvisioningWait(j, pool.Name, now + pool.ExpectedProvisioningTime)));
                    demandSince.Remove(pool.Name);
                }
                else
                {
                    demandSince[pool.Name] = since;
                }
            }
            else
            {
                demandSince.Remove(pool.Name);
                if (belowMinimum > 0)
                {
                    scaleUps.Add(new ScaleUp(pool.Name, belowMinimum, $"scaling up {Nodes(belowMinimum, pool)} to keep pool {pool.Name} at its minimum of {pool.MinNodes}", []));
                }
            }

            // 4. Idle nodes: remember since when; hand back those idle for the cool-down.
            var idle = new List<Node>();
            foreach (var node in nodes)
            {
                if (node.State is NodeState.Ready or NodeState.Draining && !busy.Contains(node.Name))
                {
                    idleSince[node.Name] = idleSince.GetValueOrDefault(node.Name, now);
                    idle.Add(node);
                }
                else
                {
                    idleSince.Remove(node.Name);
                }
            }

            if (pool.Paused || fitting.Count > 0)
            {
                continue;
            }

            var removable = inService - pool.MinNodes;
            foreach (var node in idle
                .Where(n => now - idleSince[n.Name] >= pool.ScaleDownCooldown)
                .OrderBy(n => idleSince[n.Name])
                .ThenBy(n => n.Name, StringComparer.Ordinal)
                .Take(Math.Max(0, removable)))
            {
                releases.Add(new NodeRelease(pool.Name, node.Name, $"idle for {Describe(now - idleSince[node.Name])}; handed back to pool {pool.Name}"));
                idleSince.Remove(node.Name);
            }
        }

        Forget(demandSince, pools.Select(p => p.Name));
        Forget(idleSince, snapshot.Nodes.Where(n => n.Pool is not null && n.State is NodeState.Ready or NodeState.Draining).Select(n => n.Name));
        var requestedAt = history.RequestedAt.ToBuilder();
        Forget(requestedAt, snapshot.Nodes.Where(n => n.State == NodeState.Provisioning).Select(n => n.Name));
        var next = history with
        {
            DemandSince = demandSince.ToImmutable(),
            IdleSince = idleSince.ToImmutable(),
            RequestedAt = requestedAt.ToImmutable(),
        };
        return new ScaleDecision(scaleUps.ToImmutable(), releases.ToImmutable(), waits.ToImmutable(), next);
    }

    /// <summary>"scaling up 2 x 8-GPU nodes for 11 pending jobs".</summary>
    public static string ScaleUpReason(ElasticPool pool, int count, int jobs)
    {
        ArgumentNullException.ThrowIfNull(pool);
        return string.Create(CultureInfo.InvariantCulture, $"scaling up {Nodes(count, pool)} for {jobs} pending {(jobs == 1 ? "job" : "jobs")}");
    }

    /// <summary>
    /// Step 1: jobs waiting for capacity that some pool's node holds and their team's quota admits, in scheduling order,
    /// up to what the pools could still take: once the demand taken is more than every pool's room (its nodes being
    /// provisioned plus the nodes it may still add), later jobs would not start on new nodes before these, so the walk
    /// stops there (a backlog of 100,000 jobs costs a heap of it, not a sort).
    /// </summary>
    private static List<Demand> UnmetDemand(ClusterSnapshot snapshot, SchedulePlan plan, IReadOnlyList<ElasticPool> pools, List<RunningJob> running)
    {
        var demand = new List<Demand>();
        var room = ResourceAmount.Zero;
        foreach (var pool in pools)
        {
            var nodes = snapshot.Nodes.Where(n => n.Pool == pool.Name).ToList();
            var coming = nodes.Count(n => n.State == NodeState.Provisioning) + Math.Max(0, pool.MaxNodes - nodes.Count(n => n.State != NodeState.Failed));
            room += new ResourceAmount(pool.Shape.Gpus * coming, pool.Shape.CpuMillicores * coming, pool.Shape.MemoryMiB * coming);
        }

        if (pools.Count == 0 || room == ResourceAmount.Zero)
        {
            return demand;
        }

        var ledger = new QuotaLedger(snapshot.Quotas, running);
        var taken = ResourceAmount.Zero;
        var order = 0;
        foreach (var next in InSchedulingOrder(plan.Pending))
        {
            if (!taken.FitsWithin(room))
            {
                break;
            }

            if (next.Reason.Cause is not (PendingCause.WaitingForCapacity or PendingCause.WaitingForProvisioning))
            {
                continue;
            }

            if (snapshot.Pending.Find(next.Job) is not { } job || !pools.Any(p => p.MaxNodes > 0 && p.Shape.Holds(job.Request)))
            {
                continue;
            }

            if (ledger.Admit(job.Team, job.Request.Amount) == Admission.Blocked)
            {
                continue;
            }

            ledger.Charge(job.Team, job.Request.Amount);
            taken += job.Request.Amount;
            demand.Add(new Demand(job, order++));
        }

        return demand;
    }

    /// <summary>
    /// The explanations by their place in the queue: as they are when already so (a scheduler's plan lists them in
    /// order), otherwise taken from a heap, so a walk that stops early pays for what it takes, not for a sort.
    /// </summary>
    private static IEnumerable<PendingExplanation> InSchedulingOrder(ImmutableArray<PendingExplanation> pending)
    {
        var ordered = true;
        for (var i = 1; i < pending.Length && ordered; i++)
        {
            var (before, after) = (pending[i - 1], pending[i]);
            ordered = before.Reason.JobsAhead < after.Reason.JobsAhead || (before.Reason.JobsAhead == after.Reason.JobsAhead && before.Job < after.Job);
        }

        if (ordered)
        {
            foreach (var explanation in pending)
            {
                yield return explanation;
            }

            yield break;
        }

        var heap = new PriorityQueue<PendingExplanation, (int JobsAhead, long Job)>(pending.Select(p => (p, (p.Reason.JobsAhead, p.Job.Value))));
        while (heap.TryDequeue(out var next, out _))
        {
            yield return next;
        }
    }

    private static void Forget(ImmutableDictionary<string, DateTimeOffset>.Builder entries, IEnumerable<string> keep)
    {
        var kept = keep.ToHashSet(StringComparer.Ordinal);
        foreach (var key in entries.Keys.Where(k => !kept.Contains(k)).ToList())
        {
            entries.Remove(key);
        }
    }

    private static string Nodes(int count, ElasticPool pool) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} x {pool.Shape.Size} {(count == 1 ? "node" : "nodes")}");

    private static string Describe(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalMinutes):0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(span.TotalSeconds):0} s");

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private readonly record struct Demand(Job Job, int Order);

    /// <summary>One node's room while packing: a node being provisioned (named) or a new one (null).</summary>
    private sealed class Bin(string? node, ResourceAmount free, DateTimeOffset expectedReady)
    {
        public string? Node { get; } = node;

        public ResourceAmount Free { get; set; } = free;

        public DateTimeOffset ExpectedReady { get; } = expectedReady;

        public List<JobId> Jobs { get; } = [];
    }
}
