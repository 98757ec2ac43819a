using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Data.Elastic;
using Dashboard.Data.Writing;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Elastic;

/// <summary>
/// The engine's side of elastic pools. Inside the loop (single writer): after each scheduling pass it asks the pure
/// <see cref="ScalePlanner"/> what to do, adds Provisioning placeholders or marks idle nodes Releasing (audited), and
/// applies what providers report. After the batch committed it hands the provider calls out; they run outside the loop,
/// retry with exponential back-off on the injected clock, and report back as engine commands.
/// </summary>
public sealed partial class ElasticScaling
{
    private const string System = "system";
    private const int MaxFailureDoublings = 5;

    private readonly IReadOnlyList<ElasticPoolOptions> pools;
    private readonly Dictionary<string, ElasticPoolOptions> byName;
    private readonly Dictionary<string, IElasticProvider> providers;
    private readonly EngineInbox inbox;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private static readonly TimeSpan QuietInterval = TimeSpan.FromSeconds(1);
    private Book book = Book.Empty;
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
        this.logger = logger;
    }

    public bool Any => pools.Count > 0;

    /// <summary>The pools as the planner sees them now (paused or not).</summary>
    public IReadOnlyList<ElasticPool> Pools => [.. pools.Select(p => p.ToPool(book.Paused.Contains(p.Name)))];

    /// <summary>The pause state remembered in the database; the pools' shapes count for the never-fits check.</summary>
    internal void Attach(ClusterState cluster, RecoveredState recovered)
    {
        book = book with { Paused = [.. recovered.PausedPools.Where(byName.ContainsKey)] };
        foreach (var action in recovered.ScaleHistory.Where(a => byName.ContainsKey(a.Pool)))
        {
            Replay(action);
        }

        cluster.SetElasticNodeShapes(ElasticPool.PotentialNodes(Pools));
    }

    internal Book Save() => book;

    internal void Restore(Book saved) => book = saved;

    internal CommandResult Apply(ClusterState cluster, EngineCommand command, EngineBatch batch) => command switch
    {
        NodesProvisionedCommand c => Provisioned(cluster, c, batch),
        ProvisioningAttemptFailedCommand c => AttemptFailed(cluster, c, batch),
        ProvisioningFailedCommand c => ProvisioningFailed(cluster, c, batch),
        NodeHandedBackCommand c => HandedBack(cluster, c, batch),
        ReleaseFailedCommand c => ReleaseFailed(cluster, c, batch),
        SetPoolPausedCommand c => SetPaused(c, batch),
        RecoverElasticNodesCommand => Recover(cluster, batch),
        _ => CommandResult.Conflict("not an elastic pool command"),
    };

    /// <summary>
    /// After the scheduling pass: asks the planner and records what it decided. A batch that changed nothing the
    /// planner reads (a tick, say) asks at most once a second.
    /// </summary>
    internal void Decide(ClusterState cluster, EngineBatch batch)
    {
        if (!Any || (!batch.NeedsPlan && !batch.ElasticChanged && batch.Now - lastDecided < QuietInterval))
        {
            return;
        }

        lastDecided = batch.Now;

        var explained = new SchedulePlan([], [], [], [.. cluster.Explanations.Values]);
        var decision = ScalePlanner.Decide(cluster.Snapshot, explained, Pools, book.History, batch.Now);
        var requestedAt = decision.History.RequestedAt.ToBuilder();
        var notes = book.NodeNotes.ToBuilder();
        var poolNotes = book.PoolNotes.ToBuilder();
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
            Record(batch, new ScaleAction(batch.Now, pool.Name, ScaleActionKind.ScaleUp, System, names, scaleUp.Reason), null, new { scaleUp.Count, Nodes = names, scaleUp.Reason, Jobs = scaleUp.ForJobs.Select(j => j.Value) });
            batch.ElasticCalls.Add(new ProvisionCall(new ProvisionRequest(pool.Name, scaleUp.Count, pool.ToPool().Shape, scaleUp.Reason, names)));
        }

        foreach (var release in decision.Releases)
        {
            cluster.SetElasticNodeState(release.Node, NodeState.Releasing, release.Reason, batch);
            notes[release.Node] = release.Reason;
            poolNotes[release.Pool] = $"handing back {release.Node}: {release.Reason}";
            Record(batch, new ScaleAction(batch.Now, release.Pool, ScaleActionKind.Release, System, [release.Node], release.Reason), null, new { release.Node, release.Reason });
            batch.ElasticCalls.Add(new ReleaseCall(new ReleaseRequest(release.Pool, [release.Node], release.Reason)));
        }

        cluster.ExplainProvisioning(decision.Waits);
        var history = decision.History with { RequestedAt = requestedAt.ToImmutable() };
        batch.ElasticChanged |= !decision.IsEmpty || !history.DemandSince.SequenceEqual(book.History.DemandSince);
        book = book with { History = history, NodeNotes = notes.ToImmutable(), PoolNotes = poolNotes.ToImmutable() };
    }

    /// <summary>After the batch committed: the provider calls run outside the loop and report back as commands.</summary>
    internal void Dispatch(EngineBatch batch, CancellationToken cancellationToken)
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

    /// <summary>Each pool's status for the feed.</summary>
    internal ImmutableArray<ElasticPoolStatus> Status(ClusterSnapshot snapshot, DateTimeOffset now)
    {
        if (!Any)
        {
            return [];
        }

        var result = ImmutableArray.CreateBuilder<ElasticPoolStatus>(pools.Count);
        foreach (var pool in pools)
        {
            var nodes = snapshot.Nodes.Where(n => n.Pool == pool.Name).ToList();
            int Count(NodeState state) => nodes.Count(n => n.State == state);
            var paused = book.Paused.Contains(pool.Name);
            var provisioning = Count(NodeState.Provisioning);
            var releasing = Count(NodeState.Releasing);
            var activity = paused ? "scaling paused by an admin"
                : provisioning > 0 ? book.PoolNotes.GetValueOrDefault(pool.Name)
                : releasing > 0 ? book.PoolNotes.GetValueOrDefault(pool.Name)
                : book.History.DemandSince.TryGetValue(pool.Name, out var since)
                    ? string.Create(CultureInfo.InvariantCulture, $"pending demand since {since.UtcDateTime:HH:mm:ss} UTC; scaling up once it has lasted {Describe(pool.ScaleUpDelay)}")
                : book.History.RetryNotBefore.TryGetValue(pool.Name, out var retry) && retry > now
                    ? string.Create(CultureInfo.InvariantCulture, $"the provider failed; next scale-up not before {retry.UtcDateTime:HH:mm:ss} UTC")
                : null;
            var notes = nodes.Where(n => n.State is NodeState.Provisioning or NodeState.Releasing or NodeState.Failed && book.NodeNotes.ContainsKey(n.Name))
                .ToImmutableDictionary(n => n.Name, n => book.NodeNotes[n.Name], StringComparer.Ordinal);
            var shape = pool.ToPool().Shape;
            result.Add(new ElasticPoolStatus(
                pool.Name,
                pool.IsSimulated ? ElasticPoolOptions.SimulatedProvider : ElasticPoolOptions.CommandProvider,
                $"{shape.Gpus} × {shape.GpuModel}, {pool.CpuCores} cores, {pool.MemoryGiB} GiB",
                pool.MinNodes,
                pool.MaxNodes,
                Count(NodeState.Ready) + Count(NodeState.Draining),
                provisioning,
                releasing,
                Count(NodeState.Failed),
                paused,
                activity,
                book.LastErrors.GetValueOrDefault(pool.Name),
                notes)
            {
                RecentActions = [.. book.Recent.GetValueOrDefault(pool.Name, []).Reverse()],
            });
        }

        return result.MoveToImmutable();
    }

    private CommandResult Provisioned(ClusterState cluster, NodesProvisionedCommand command, EngineBatch batch)
    {
        var placeholders = command.Requested.Where(n => cluster.FindNode(n) is { State: NodeState.Provisioning } node && node.Pool == command.Pool).ToHashSet(StringComparer.Ordinal);
        var taken = command.Nodes.Where(n => !placeholders.Contains(n.Name) && cluster.FindNode(n.Name) is not null).Select(n => n.Name).ToList();
        if (taken.Count > 0)
        {
            // Registering these would replace nodes the cluster already has: nothing of the answer is registered.
            return ProvisioningFailed(cluster, new ProvisioningFailedCommand(command.Pool, command.Requested, 1, $"the provider named nodes that already exist ({string.Join(", ", taken)}); no node was registered"), batch);
        }

        var notes = book.NodeNotes.ToBuilder();
        var returned = command.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var missing in placeholders.Where(p => !returned.Contains(p)).Order(StringComparer.Ordinal))
        {
            var reason = string.Create(CultureInfo.InvariantCulture, $"the provider returned {command.Nodes.Length} of the {command.Requested.Length} nodes asked for");
            cluster.SetElasticNodeState(missing, NodeState.Failed, reason, batch);
            notes[missing] = reason;
        }

        foreach (var failed in cluster.Snapshot.Nodes.Where(n => n.Pool == command.Pool && n.State == NodeState.Failed && !placeholders.Contains(n.Name)).Select(n => n.Name).ToList())
        {
            cluster.RemoveElasticNode(failed, "cleared: the pool's provider has since succeeded", batch);
            notes.Remove(failed);
        }

        var ready = $"provisioned by pool {command.Pool}";
        foreach (var node in command.Nodes)
        {
            cluster.PutElasticNode(node with { Pool = command.Pool, State = NodeState.Ready }, ready, batch);
            notes.Remove(node.Name);
        }

        var note = string.Create(CultureInfo.InvariantCulture, $"{command.Nodes.Length} {(command.Nodes.Length == 1 ? "node" : "nodes")} ready: {string.Join(", ", command.Nodes.Select(n => n.Name))}");
        book = book with
        {
            NodeNotes = notes.ToImmutable(),
            PoolNotes = book.PoolNotes.SetItem(command.Pool, note),
            LastErrors = book.LastErrors.Remove(command.Pool),
            Failures = book.Failures.Remove(command.Pool),
            History = book.History with { RetryNotBefore = book.History.RetryNotBefore.Remove(command.Pool) },
        };
        Record(batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.Provisioned, System, [.. command.Nodes.Select(n => n.Name)], note), new { command.Requested }, new { Nodes = command.Nodes.Select(n => n.Name) });
        batch.ElasticChanged = true;
        return CommandResult.Done(note);
    }

    private CommandResult AttemptFailed(ClusterState cluster, ProvisioningAttemptFailedCommand command, EngineBatch batch)
    {
        var reason = string.Create(CultureInfo.InvariantCulture, $"attempt {command.Attempt} of {command.Attempts} failed: {command.Message}; trying again at {command.NextAttemptAt.UtcDateTime:HH:mm:ss} UTC");
        var notes = book.NodeNotes.ToBuilder();
        foreach (var name in Placeholders(cluster, command.Pool, command.Requested))
        {
            cluster.SetElasticNodeState(name, NodeState.Provisioning, reason, batch);
            notes[name] = reason;
        }

        book = book with { NodeNotes = notes.ToImmutable(), LastErrors = book.LastErrors.SetItem(command.Pool, command.Message) };
        Record(batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.ProvisionAttemptFailed, System, command.Requested, command.Message, command.NextAttemptAt), null, new { command.Requested, command.Attempt, command.Attempts, Error = command.Message });
        batch.ElasticChanged = true;
        return CommandResult.Done(reason);
    }

    private CommandResult ProvisioningFailed(ClusterState cluster, ProvisioningFailedCommand command, EngineBatch batch)
    {
        var failures = book.Failures.GetValueOrDefault(command.Pool) + 1;
        var backoff = byName[command.Pool].FailureBackoff * (1 << Math.Min(failures - 1, MaxFailureDoublings));
        var retryAt = batch.Now + backoff;
        var reason = string.Create(CultureInfo.InvariantCulture, $"provisioning failed after {command.Attempts} {(command.Attempts == 1 ? "attempt" : "attempts")}: {command.Message}");
        var notes = book.NodeNotes.ToBuilder();
        foreach (var name in Placeholders(cluster, command.Pool, command.Requested))
        {
            cluster.SetElasticNodeState(name, NodeState.Failed, reason, batch);
            notes[name] = reason;
        }

        book = book with
        {
            NodeNotes = notes.ToImmutable(),
            Failures = book.Failures.SetItem(command.Pool, failures),
            LastErrors = book.LastErrors.SetItem(command.Pool, command.Message),
            PoolNotes = book.PoolNotes.SetItem(command.Pool, reason),
            History = book.History with { RetryNotBefore = book.History.RetryNotBefore.SetItem(command.Pool, retryAt) },
        };
        Record(batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.ProvisionFailed, System, command.Requested, command.Message, retryAt), null, new { command.Requested, command.Attempts, Error = command.Message, RetryNotBefore = retryAt });
        batch.ElasticChanged = true;
        return CommandResult.Done(reason);
    }

    private CommandResult HandedBack(ClusterState cluster, NodeHandedBackCommand command, EngineBatch batch)
    {
        if (cluster.FindNode(command.Node) is not { State: NodeState.Releasing } node || node.Pool != command.Pool)
        {
            return CommandResult.Conflict($"{command.Node} is not being handed back");
        }

        cluster.RemoveElasticNode(command.Node, $"handed back to pool {command.Pool}", batch);
        book = book with
        {
            NodeNotes = book.NodeNotes.Remove(command.Node),
            PoolNotes = book.PoolNotes.SetItem(command.Pool, $"handed back {command.Node}"),
        };
        Record(batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.Released, System, [command.Node], $"handed back to pool {command.Pool}"), null, new { command.Node });
        batch.ElasticChanged = true;
        return CommandResult.Done();
    }

    private CommandResult ReleaseFailed(ClusterState cluster, ReleaseFailedCommand command, EngineBatch batch)
    {
        if (cluster.FindNode(command.Node) is not { State: NodeState.Releasing })
        {
            return CommandResult.Conflict($"{command.Node} is not being handed back");
        }

        // The machine is still there: it stays in service, and once idle for the cool-down again it is handed back again.
        var reason = string.Create(CultureInfo.InvariantCulture, $"handing back failed after {command.Attempts} attempts: {command.Message}; the node stays in service");
        cluster.SetElasticNodeState(command.Node, NodeState.Ready, reason, batch);
        book = book with { NodeNotes = book.NodeNotes.SetItem(command.Node, reason), LastErrors = book.LastErrors.SetItem(command.Pool, command.Message) };
        Record(batch, new ScaleAction(batch.Now, command.Pool, ScaleActionKind.ReleaseFailed, System, [command.Node], command.Message), null, new { command.Node, Error = command.Message });
        batch.ElasticChanged = true;
        return CommandResult.Done(reason);
    }

    private CommandResult SetPaused(SetPoolPausedCommand command, EngineBatch batch)
    {
        if (!byName.ContainsKey(command.Pool))
        {
            return CommandResult.NotFound($"there is no elastic pool named {command.Pool}");
        }

        var paused = book.Paused.Contains(command.Pool);
        if (paused == command.Paused)
        {
            return CommandResult.Done($"pool {command.Pool} is already {(paused ? "paused" : "scaling")}");
        }

        book = book with { Paused = command.Paused ? book.Paused.Add(command.Pool) : book.Paused.Remove(command.Pool) };
        batch.Changes.Add(new ElasticPoolPaused(command.Pool, command.Paused, batch.Now));
        var kind = command.Paused ? ScaleActionKind.Pause : ScaleActionKind.Resume;
        Record(batch, new ScaleAction(batch.Now, command.Pool, kind, command.Actor, [], command.Paused ? $"paused by {command.Actor}" : $"resumed by {command.Actor}"), new { Paused = paused }, new { command.Paused });
        batch.ElasticChanged = true;
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
        var notes = book.NodeNotes.ToBuilder();
        foreach (var node in cluster.Snapshot.Nodes.Where(n => n.Pool is not null).ToList())
        {
            if (node.State == NodeState.Provisioning)
            {
                cluster.SetElasticNodeState(node.Name, NodeState.Failed, lost, batch);
                notes[node.Name] = lost;
                Record(batch, new ScaleAction(batch.Now, node.Pool!, ScaleActionKind.ProvisionFailed, System, [node.Name], lost), null, new { Requested = new[] { node.Name }, Error = lost });
            }
            else if (node.State == NodeState.Releasing && byName.ContainsKey(node.Pool!))
            {
                const string again = "handing back again after a restart";
                notes[node.Name] = again;
                Record(batch, new ScaleAction(batch.Now, node.Pool!, ScaleActionKind.Release, System, [node.Name], again), null, new { Node = node.Name, Reason = again });
                batch.ElasticCalls.Add(new ReleaseCall(new ReleaseRequest(node.Pool!, [node.Name], again)));
            }
        }

        book = book with { NodeNotes = notes.ToImmutable() };
        batch.ElasticChanged = true;
        return CommandResult.Done();
    }

    private async Task ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        var pool = byName[request.Pool];
        var message = "no attempt was made";
        for (var attempt = 1; attempt <= pool.Attempts; attempt++)
        {
            try
            {
                var nodes = await providers[request.Pool].ProvisionAsync(request, cancellationToken).ConfigureAwait(false);
                await inbox.Post(new NodesProvisionedCommand(request.Pool, request.Names, nodes)).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Whatever a provider throws is its failure: the nodes must not stay Provisioning for ever.
                message = error.Message;
                ElasticLog.AttemptFailed(logger, request.Pool, attempt, pool.Attempts, message);
            }

            if (attempt < pool.Attempts)
            {
                var delay = pool.RetryBackoff * (1 << (attempt - 1));
                await inbox.Post(new ProvisioningAttemptFailedCommand(request.Pool, request.Names, attempt, pool.Attempts, message, time.GetUtcNow() + delay)).ConfigureAwait(false);
                try
                {
                    await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        await inbox.Post(new ProvisioningFailedCommand(request.Pool, request.Names, pool.Attempts, message)).ConfigureAwait(false);
    }

    private async Task ReleaseAsync(ReleaseRequest request, CancellationToken cancellationToken)
    {
        var pool = byName[request.Pool];
        var message = "no attempt was made";
        for (var attempt = 1; attempt <= pool.Attempts; attempt++)
        {
            try
            {
                await providers[request.Pool].ReleaseAsync(request, cancellationToken).ConfigureAwait(false);
                foreach (var node in request.Nodes)
                {
                    await inbox.Post(new NodeHandedBackCommand(request.Pool, node)).ConfigureAwait(false);
                }

                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Whatever a provider throws is its failure: the nodes must not stay Provisioning for ever.
                message = error.Message;
                ElasticLog.AttemptFailed(logger, request.Pool, attempt, pool.Attempts, message);
            }

            if (attempt < pool.Attempts)
            {
                try
                {
                    await Task.Delay(pool.RetryBackoff * (1 << (attempt - 1)), time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        foreach (var node in request.Nodes)
        {
            await inbox.Post(new ReleaseFailedCommand(request.Pool, node, pool.Attempts, message)).ConfigureAwait(false);
        }
    }

    private static List<string> Placeholders(ClusterState cluster, string pool, ImmutableArray<string> requested) =>
        requested.Where(n => cluster.FindNode(n) is { State: NodeState.Provisioning } node && node.Pool == pool).ToList();

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

    private static string Describe(TimeSpan span) => span.TotalMinutes >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min")
        : string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0} s");

    /// <summary>What the engine remembers about its pools between batches (undone with a batch whose commit failed).</summary>
    internal sealed record Book(
        ImmutableHashSet<string> Paused,
        ScaleHistory History,
        ImmutableDictionary<string, int> Failures,
        ImmutableDictionary<string, string> PoolNotes,
        ImmutableDictionary<string, string> LastErrors,
        ImmutableDictionary<string, string> NodeNotes,
        ImmutableDictionary<string, ImmutableList<ScaleAction>> Recent)
    {
        public static Book Empty { get; } = new(
            ImmutableHashSet.Create<string>(StringComparer.Ordinal),
            ScaleHistory.Empty,
            ImmutableDictionary.Create<string, int>(StringComparer.Ordinal),
            ImmutableDictionary.Create<string, string>(StringComparer.Ordinal),
            ImmutableDictionary.Create<string, string>(StringComparer.Ordinal),
            ImmutableDictionary.Create<string, string>(StringComparer.Ordinal),
            ImmutableDictionary.Create<string, ImmutableList<ScaleAction>>(StringComparer.Ordinal));
    }
}

internal static partial class ElasticLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Elastic pool {Pool}: provider attempt {Attempt} of {Attempts} failed: {Message}")]
    public static partial void AttemptFailed(ILogger logger, string pool, int attempt, int attempts, string message);
}
