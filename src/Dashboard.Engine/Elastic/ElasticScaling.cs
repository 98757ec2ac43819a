using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Data.Writing;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Elastic;

/// <summary>
/// The engine's side of elastic pools, one of the loop's <see cref="EngineParticipant"/>s. Inside the loop (single
/// writer): after each scheduling pass it asks the pure <see cref="ScalePlanner"/> what to do, adds Provisioning
/// placeholders or marks idle nodes Releasing (audited), and applies what providers report. What it remembers between
/// batches is <see cref="ClusterState.Elastic"/>. After the batch committed it hands the provider calls out; they run
/// outside the loop through <see cref="ProviderRetry"/> and report back as engine commands.
/// </summary>
public sealed partial class ElasticScaling : EngineParticipant
{
    private const string System = "system";
    private const int MaxFailureDoublings = 5;

    private readonly IReadOnlyList<ElasticPoolOptions> pools;
    private readonly Dictionary<string, ElasticPoolOptions> byName;
    private readonly Dictionary<string, IElasticProvider> providers;
    private readonly EngineInbox inbox;
    private readonly TimeProvider time;
    private readonly ProviderRetry retry;
    private static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(1);
    private DateTimeOffset lastDecided = DateTimeOffset.MinValue;

    /// <param name="pools">The configured pools; refused with every problem listed when any is invalid.</param>
    /// <param name="providerFor">The provider of each pool.</param>
    public ElasticScaling(IReadOnlyList<ElasticPoolOptions> pools, Func<ElasticPoolOptions, IElasticProvider> providerFor, EngineInbox inbox, TimeProvider time, ILogger<ElasticScaling> logger)
    {
        ArgumentNullException.ThrowIfNull(pools);
        ArgumentNullException.ThrowIfNull(providerFor);
        var errors = ElasticPoolOptions.Validate(pools);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("The ElasticPools section of appsettings.json is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(e => " - " + e)));
        }

        this.pools = pools;
        byName = pools.ToDictionary(p => p.Name, StringComparer.Ordinal);
        providers = pools.ToDictionary(p => p.Name, providerFor, StringComparer.Ordinal);
        this.inbox = inbox;
        this.time = time;
        retry = new ProviderRetry(pools, time, logger);
    }

    public bool Any => pools.Count > 0;

    /// <summary>The planner reads which waiting jobs wait for capacity from the writer's pass.</summary>
    internal override bool ReadsPlanReasons => Any;

    /// <summary>The pools as the planner sees them (paused or not).</summary>
    private List<ElasticPool> PoolsFor(ElasticState state) => [.. pools.Select(p => p.ToPool(state.Paused.Contains(p.Name)))];

    /// <summary>
    /// The pause state and scale history remembered in the database; the pools' shapes count for the never-fits check.
    /// With any pool, the first batch recovers the nodes a restart left Provisioning or Releasing.
    /// </summary>
    internal override IEnumerable<EngineCommand> Attach(ClusterState cluster, RecoveredState recovered)
    {
        cluster.Elastic = ElasticState.Empty with { Paused = [.. recovered.PausedPools.Where(byName.ContainsKey)] };
        foreach (var action in recovered.ScaleHistory.Where(a => byName.ContainsKey(a.Pool)))
        {
            Replay(cluster, action);
        }

        cluster.SetElasticNodeShapes(ElasticPool.PotentialNodes(PoolsFor(cluster.Elastic)));
        return Any ? [new RecoverElasticNodesCommand()] : [];
    }

    internal override CommandResult? Apply(ClusterState cluster, EngineCommand command, EngineBatch batch) => command switch
    {
        NodesProvisionedCommand c => Provisioned(cluster, c, batch),
        ProvisioningAttemptFailedCommand c => AttemptFailed(cluster, c, batch),
        ProvisioningFailedCommand c => ProvisioningFailed(cluster, c, batch),
        NodeHandedBackCommand c => HandedBack(cluster, c, batch),
        ReleaseFailedCommand c => ReleaseFailed(cluster, c, batch),
        SetPoolPausedCommand c => SetPaused(cluster, c, batch),
        RecoverElasticNodesCommand => Recover(cluster, batch),
        _ => null,
    };

    /// <summary>
    /// After the scheduling pass: asks the planner and records what it decided. A batch that changed nothing the
    /// planner reads (a tick, say) asks at most once a second.
    /// </summary>
    internal override void AfterPlan(ClusterState cluster, EngineBatch batch)
    {
        if (!Any || (!batch.NeedsPlan && !batch.StatusChanged && batch.Now - lastDecided < QuietInterval))
        {
            return;
        }

        lastDecided = batch.Now;

        var explained = new SchedulePlan([], [], [], cluster.PlanPending);
        var decision = ScalePlanner.Decide(cluster.Snapshot, explained, PoolsFor(cluster.Elastic), cluster.Elastic.History, batch.Now);
        var requestedAt = decision.History.RequestedAt.ToBuilder();
        var notes = cluster.Elastic.NodeNotes.ToBuilder();
        var poolNotes = cluster.Elastic.PoolNotes.ToBuilder();
        foreach (var scaleUp in decision.ScaleUps)
        {
            var pool = byName[scaleUp.Pool];
            foreach (var failed in cluster.Snapshot.Nodes.Where(n => n.Pool == pool.Name && n.State == NodeState.Failed).Select(n => n.Name).ToList())
            {
                // Only provisioning fails into Failed: the placeholder never was a machine, and the new request replaces it.
                cluster.RemoveElasticNode(failed, "replaced by a new request to the provider", batch);
                notes.Remove(failed);
            }

            var names = NextNames(cluster.Snapshot, pool.Name, scaleUp.Count);
            foreach (var name in names)
            {
                cluster.PutElasticNode(pool.ToPool().Shape.ToNode(name, NodeState.Provisioning, pool.IsSimulated, pool.Name), scaleUp.Reason, batch);
                requestedAt[name] = batch.Now;
                notes[name] = scaleUp.Reason;
            }

            poolNotes[pool.Name] = scaleUp.Reason;
            Record(cluster, batch, new ScaleAction(batch.Now, pool.Name, ScaleActionKind.ScaleUp, System, names, scaleUp.Reason), null, new { scaleUp.Count, Nodes = names, scaleUp.Reason, Jobs = scaleUp.ForJobs.Select(j => j.Value) });
            batch.ElasticCalls.Add(new ProvisionCall(new ProvisionRequest(pool.Name, scaleUp.Count, pool.ToPool().Shape, scaleUp.Reason, names)));
        }

        foreach (var release in decision.Releases)
        {
            cluster.SetElasticNodeState(release.Node, NodeState.Releasing, release.Reason, batch);
            notes[release.Node] = release.Reason;
            poolNotes[release.Pool] = $"handing back {release.Node}: {release.Reason}";
            Record(cluster, batch, new ScaleAction(batch.Now, release.Pool, ScaleActionKind.Release, System, [release.Node], release.Reason), null, new { release.Node, release.Reason });
            batch.ElasticCalls.Add(new ReleaseCall(new ReleaseRequest(release.Pool, [release.Node], release.Reason)));
        }

        cluster.ExplainProvisioning(decision.Waits);
        var history = decision.History with { RequestedAt = requestedAt.ToImmutable() };
        batch.StatusChanged |= !decision.IsEmpty || !history.DemandSince.SequenceEqual(cluster.Elastic.History.DemandSince);
        cluster.Elastic = cluster.Elastic with { History = history, NodeNotes = notes.ToImmutable(), PoolNotes = poolNotes.ToImmutable() };
    }

    /// <summary>After the batch committed: the provider calls run outside the loop and report back as commands.</summary>
    internal override void AfterCommit(EngineBatch batch, CancellationToken cancellationToken)
    {
        foreach (var call in batch.ElasticCalls)
        {
            // Started here, not awaited: a provider yields before any slow work (the command provider before it starts its
            // process), so the loop only pays for arming the call, and the simulated provider's delay is armed on the
            // clock before the loop takes its next batch.
            _ = call switch
            {
                ProvisionCall provision => ProvisionAsync(provision.Request, cancellationToken),
                ReleaseCall release => ReleaseAsync(release.Request, cancellationToken),
                _ => Task.CompletedTask,
            };
        }
    }

    private CommandResult SetPaused(ClusterState cluster, SetPoolPausedCommand command, EngineBatch batch)
    {
        if (!byName.ContainsKey(command.Pool))
        {
            return CommandResult.NotFound($"there is no elastic pool named {command.Pool}");
        }

        var paused = cluster.Elastic.Paused.Contains(command.Pool);
        if (paused == command.Paused)
        {
            return CommandResult.Done($"pool {command.Pool} is already {(paused ? "paused" : "scaling")}");
        }

        cluster.Elastic = cluster.Elastic with { Paused = command.Paused ? cluster.Elastic.Paused.Add(command.Pool) : cluster.Elastic.Paused.Remove(command.Pool) };
        batch.Changes.Add(new ElasticPoolPaused(command.Pool, command.Paused, batch.Now));
        var kind = command.Paused ? ScaleActionKind.Pause : ScaleActionKind.Resume;
        Record(cluster, batch, new ScaleAction(batch.Now, command.Pool, kind, command.Actor, [], command.Paused ? $"paused by {command.Actor}" : $"resumed by {command.Actor}"), new { Paused = paused }, new { command.Paused });
        batch.StatusChanged = true;
        batch.NeedsPlan = true;
        return CommandResult.Done(command.Paused ? $"pool {command.Pool} paused: it neither grows nor shrinks" : $"pool {command.Pool} scales again");
    }

    /// <summary>
    /// A restart loses the provider calls in flight: a node left Provisioning cannot be trusted to come (it becomes Failed,
    /// and demand that persists asks again); a node left Releasing is handed back again.
    /// </summary>
    private CommandResult Recover(ClusterState cluster, EngineBatch batch)
    {
        const string lost = "the server restarted while this node was being provisioned; the provider's answer was lost";
        var notes = cluster.Elastic.NodeNotes.ToBuilder();
        foreach (var node in cluster.Snapshot.Nodes.Where(n => n.Pool is not null).ToList())
        {
            if (node.State == NodeState.Provisioning)
            {
                cluster.SetElasticNodeState(node.Name, NodeState.Failed, lost, batch);
                notes[node.Name] = lost;
                Record(cluster, batch, new ScaleAction(batch.Now, node.Pool!, ScaleActionKind.ProvisionFailed, System, [node.Name], lost), null, new { Requested = new[] { node.Name }, Error = lost });
            }
            else if (node.State == NodeState.Releasing && byName.ContainsKey(node.Pool!))
            {
                const string again = "handing back again after a restart";
                notes[node.Name] = again;
                Record(cluster, batch, new ScaleAction(batch.Now, node.Pool!, ScaleActionKind.Release, System, [node.Name], again), null, new { Node = node.Name, Reason = again });
                batch.ElasticCalls.Add(new ReleaseCall(new ReleaseRequest(node.Pool!, [node.Name], again)));
            }
        }

        cluster.Elastic = cluster.Elastic with { NodeNotes = notes.ToImmutable() };
        batch.StatusChanged = true;
        return CommandResult.Done();
    }

    private static ImmutableArray<string> NextNames(ClusterSnapshot snapshot, string pool, int count)
    {
        var taken = snapshot.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        var names = ImmutableArray.CreateBuilder<string>(count);
        for (var i = 1; names.Count < count; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"{pool}-{i}");
            if (!taken.Contains(name))
            {
                names.Add(name);
            }
        }

        return names.MoveToImmutable();
    }
}
