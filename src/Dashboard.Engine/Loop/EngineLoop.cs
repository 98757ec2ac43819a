using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Metrics;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Loop;

/// <summary>
/// The only writer of cluster state. It takes every command waiting in the inbox as one batch, applies them,
/// runs the scheduler, commits the batch's changes in one transaction, then publishes the new state, answers the
/// callers and hands starts and stops to the executors. A batch whose commit fails is undone and its callers
/// get the error: nothing is acknowledged or published that is not on disk.
/// </summary>
/// <remarks>
/// Pipelined by one batch: while a batch's commit waits on the disk (on another thread), the commands that arrived
/// meanwhile are taken and applied on top of it as the next batch, scheduling pass included; that batch's commit
/// starts only once the one before it has returned and has been published and answered. When a commit fails, the
/// state goes back to before that batch (so the batch applied on top of it is undone too) and the next batch's
/// commands are applied again on the restored state.
/// </remarks>
public sealed partial class EngineLoop(
    EngineInbox inbox,
    IClusterStateSource source,
    IClusterJournal journal,
    IEnumerable<IJobExecutor> executors,
    ClusterFeed feed,
    TimeProvider time,
    EngineOptions options,
    ILogger<EngineLoop> logger,
    EngineMetrics? metrics = null,
    IEnumerable<EngineParticipant>? participants = null) : BackgroundService
{
    /// <summary>How many failed commits an exit report survives before it is given up (and logged).</summary>
    public const int MaxExitAttempts = 5;

    private readonly IJobExecutor[] executors = [.. executors];
    private readonly EngineParticipant[] participants = [.. participants ?? []];
    private readonly TaskCompletionSource started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ClusterState? state;
    private readonly WaitingExplainer explainer = new(feed, logger);
    private DateTimeOffset lastFullExplanation = DateTimeOffset.MinValue;
    private DateTimeOffset lastPlanned = DateTimeOffset.MinValue;
    private ExplanationRequest? lastExplained;
    private long version;

    /// <summary>Completes once the engine has recovered its state and is taking commands.</summary>
    public Task Started => started.Task;

    /// <summary>Called on the loop each time a batch has been applied in memory and scheduled, before its commit (tests).</summary>
    internal Action<int>? Applied { get; set; }

    /// <summary>Whether the loop is running (for readiness checks).</summary>
    public bool IsRunning => started.Task.IsCompletedSuccessfully && ExecuteTask is { IsCompleted: false };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var recovered = await source.LoadAsync(stoppingToken).ConfigureAwait(false);
            state = new ClusterState(recovered);
            var startup = StartupCommands(recovered);
            foreach (var participant in participants)
            {
                participant.RequestBatch = () => _ = inbox.Post(new TickCommand()).AsTask();
                startup.AddRange(participant.Attach(state, recovered));
            }

            await AdoptRunningJobsAsync(stoppingToken).ConfigureAwait(false);

            await RunBatchAsync(startup, stoppingToken, recovered.CancelsInFlight).ConfigureAwait(false);
            started.TrySetResult();
        }
        catch (Exception error)
        {
            started.TrySetException(error);
            throw;
        }

        using var ticker = time.CreateTimer(_ => _ = inbox.Post(new TickCommand()).AsTask(), null, options.TickInterval, options.TickInterval);
        var commands = new List<EngineCommand>(options.MaxBatch);
        PreparedBatch? inFlight = null;
        PreparedBatch? next = null;
        Task<bool>? arriving = null;
        try
        {
            while (true)
            {
                // While a batch commits, the next one is taken and applied (its pass runs while the commit waits on the
                // disk); it is committed only after the one before it, and nobody is answered before their own commit.
                if (inFlight is null)
                {
                    if (!await (arriving ?? inbox.Reader.WaitToReadAsync(stoppingToken).AsTask()).ConfigureAwait(false))
                    {
                        break;
                    }
                }
                else
                {
                    arriving ??= inbox.Reader.WaitToReadAsync(stoppingToken).AsTask();
                    await Task.WhenAny(arriving, inFlight.Commit).ConfigureAwait(false);
                    var closed = arriving.IsCompleted && !await arriving.ConfigureAwait(false);
                    if (closed || !arriving.IsCompleted)
                    {
                        // The commit returned first (or nothing more will come): finish it, then wait for commands.
                        await FinishAsync(inFlight, stoppingToken).ConfigureAwait(false);
                        inFlight = null;
                        if (closed)
                        {
                            break;
                        }

                        continue;
                    }
                }

                arriving = null;
                commands.Clear();
                while (commands.Count < options.MaxBatch && inbox.Reader.TryRead(out var command))
                {
                    commands.Add(command);
                }

                next = Prepare([.. commands]);
                if (inFlight is not null)
                {
                    var committed = await FinishAsync(inFlight, stoppingToken).ConfigureAwait(false);
                    inFlight = null;
                    if (!committed)
                    {
                        // The batch before it was undone, and with it what this one applied on top: apply it again.
                        next = Prepare(next.Commands);
                    }
                }

                inFlight = next;
                next = null;
                inFlight.Commit = StartCommit(inFlight, stoppingToken);
            }
        }
        finally
        {
            // Shutting down: nobody waits forever for an answer that will not come. A batch whose commit was under way
            // is answered as its commit went.
            if (inFlight is not null)
            {
                await SettleAsync(inFlight).ConfigureAwait(false);
            }

            foreach (var command in (next?.Commands ?? []).Concat(DrainInbox()))
            {
                command.Completion?.TrySetException(new InvalidOperationException("The engine is shutting down; nothing was changed."));
            }
        }
    }

    private IEnumerable<EngineCommand> DrainInbox()
    {
        while (inbox.Reader.TryRead(out var command))
        {
            yield return command;
        }
    }

    /// <summary>
    /// The first batch: discovered nodes are added or updated, stored nodes that were not discovered are marked
    /// Down, and on a first start the configured teams get their quotas.
    /// </summary>
    private static List<EngineCommand> StartupCommands(RecoveredState recovered)
    {
        var commands = new List<EngineCommand>();
        commands.AddRange(recovered.Inventory.Select(node => new InventoryChangedCommand(node, AtStartUp: true)));
        if (recovered.Inventory.Count > 0)
        {
            var discovered = recovered.Inventory.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
            commands.AddRange(recovered.Snapshot.Nodes
                .Where(n => !discovered.Contains(n.Name) && n.State != NodeState.Down && n.Pool is null)
                .Select(n => new SetNodeStateCommand(n.Name, NodeState.Down, "not found in the inventory at start-up", "system")));
        }

        if (recovered.Snapshot.Quotas.IsEmpty)
        {
            commands.AddRange(recovered.SeedQuotas.Select(q => new SetQuotaCommand(q, "system")));
        }

        return commands;
    }

    private async Task AdoptRunningJobsAsync(CancellationToken cancellationToken)
    {
        foreach (var running in state!.Snapshot.Running)
        {
            var launch = new JobLaunch(running.Job, running.Allocation);
            var outcome = ExecutorFor(running.Allocation.Node) is { } executor
                ? await executor.AdoptAsync(launch, cancellationToken).ConfigureAwait(false)
                : AdoptionOutcome.Lost;
            if (outcome == AdoptionOutcome.Lost)
            {
                await inbox.JobExitedAsync(new JobExit(running.Job.Id, null, time.GetUtcNow(), "lost while the server was down")).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The start-up batch: applied, committed, answered and handed on before the loop takes commands.</summary>
    private async Task RunBatchAsync(List<EngineCommand> commands, CancellationToken cancellationToken, IReadOnlyDictionary<JobId, string>? resumeCancels = null)
    {
        var prepared = Prepare(commands, resumeCancels);
        prepared.Commit = StartCommit(prepared, cancellationToken);
        await FinishAsync(prepared, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="commands"/> to the state in memory and runs the scheduler: everything a batch does
    /// before its commit. What the batch will publish and hand to the executors is read from the state now, so it is
    /// the same whether or not the next batch is applied before this one's commit returns.
    /// </summary>
    private PreparedBatch Prepare(List<EngineCommand> commands, IReadOnlyDictionary<JobId, string>? resumeCancels = null)
    {
        var cluster = state!;
        var saved = cluster.Save();
        var before = (lastPlanned, lastFullExplanation, version);
        var batch = new EngineBatch(time.GetUtcNow());
        if (resumeCancels is not null)
        {
            cluster.ResumeCancels(resumeCancels, batch);
        }

        foreach (var command in commands)
        {
            var result = Apply(cluster, command, batch);
            if (command.Completion is not null)
            {
                batch.Answers.Add((command, result));
            }
        }

        // The writer's pass decides starts, backfill and preemption only: it stops early where nothing more can change
        // and estimates no starts (what grows with the queue is explained off the writer). Only a participant that
        // reads every job's reason (elastic pools) has small backlogs fully explained here, as before.
        // Some decisions come with time alone (a borrower's minimum run ends, say): while jobs wait, a pass runs at
        // least every ExplainInterval.
        var readsReasons = Array.Exists(participants, p => p.ReadsPlanReasons);
        var dueForExplanation = readsReasons && DueSince(cluster, lastFullExplanation, batch.Now);
        if (batch.NeedsPlan || commands.Count == 0 || dueForExplanation || DueSince(cluster, lastPlanned, batch.Now))
        {
            var explainedAll = readsReasons && (cluster.Snapshot.Pending.Count < options.ExplainAlwaysBelow || dueForExplanation);
            var settings = cluster.Snapshot.Settings with { ExplainAllPending = explainedAll };
            var planStarted = time.GetTimestamp();
            var eligibility = cluster.SplitEligible(settings, batch);
            var plan = Scheduler.Plan(eligibility.Eligible, batch.Now);
            metrics?.SchedulingPassTook(time.GetElapsedTime(planStarted));
            cluster.ApplyPlan(plan, batch);
            cluster.AfterPass(batch);

            // Recorded now so the next batch, applied on top of this one, sees it; undone with the batch.
            lastPlanned = batch.Now;
            if (explainedAll)
            {
                lastFullExplanation = batch.Now;
            }
        }

        foreach (var participant in participants)
        {
            participant.AfterPlan(cluster, batch);
        }

        Applied?.Invoke(commands.Count);
        return new PreparedBatch(commands, batch, () => cluster.Restore(saved), before)
        {
            Snapshot = cluster.Snapshot,
            Provisioning = cluster.Provisioning,
            Update = Describe(cluster, batch),
            Version = version,
            Launches = [.. batch.Launches.Select(launch => (launch, ExecutorFor(launch.Allocation.Node)))],
            Stops = [.. StopsOf(batch)],
            Extensions = [.. batch.Extensions.Select(e => (e.Job, e.Walltime, state!.FindRunning(e.Job) is { } running ? ExecutorFor(running.Allocation.Node) : null))],
        };
    }

    private CommandResult Apply(ClusterState cluster, EngineCommand command, EngineBatch batch)
    {
        switch (command)
        {
            case SubmitJobCommand submit:
                return cluster.Submit(submit.Spec, submit.Actor, batch);
            case CancelJobCommand cancel:
                return cluster.Cancel(cancel.Job, cancel.Actor, batch);
            case JobExitedCommand exited:
                cluster.JobExited(exited.Exit, batch);
                return CommandResult.Done();
            case SetQuotaCommand quota:
                return cluster.SetQuota(quota.Quota, quota.Actor, batch);
            case SetNodeStateCommand node:
                return cluster.SetNodeState(node.Node, node.State, node.Reason, node.Actor, batch);
            case InventoryChangedCommand inventory:
                return cluster.UpsertNode(inventory.Node, inventory.AtStartUp, batch);
            case JobControlCommand control:
                return cluster.ApplyControl(control, batch);
            case ExtendWalltimeCommand extend:
                return cluster.ExtendWalltime(extend, batch);
            case CorrectGpuAllocationCommand correction:
                return cluster.CorrectGpuAllocation(correction, batch);
            case NoteRunningJobCommand note:
                return cluster.NoteRunningJob(note, batch);
            case ReservationCommand reservation:
                return cluster.ApplyReservation(reservation, batch);
            case TickCommand:
                cluster.EnforceWalltimes(batch);
                return CommandResult.Done();
            default:
                foreach (var participant in participants)
                {
                    if (participant.Apply(cluster, command, batch) is { } result)
                    {
                        return result;
                    }
                }

                EngineLog.UnknownCommand(logger, command.GetType().Name);
                return CommandResult.Conflict("unknown command");
        }
    }

    private bool DueSince(ClusterState cluster, DateTimeOffset last, DateTimeOffset now) =>
        cluster.Snapshot.Pending.Count > 0 && now - last >= options.ExplainInterval;

    /// <summary>The update the batch publishes once committed; null when it changes nothing anyone sees.</summary>
    private ClusterUpdate? Describe(ClusterState cluster, EngineBatch batch)
    {
        if (batch.Changes.Count == 0 && batch.Events.Count == 0 && feed.Current is not null && batch.Stops.Count == 0 && !batch.NeedsPlan && !batch.StatusChanged)
        {
            return null;
        }

        version++;
        var events = batch.Events.Count > ClusterFeed.MaxEventsPerUpdate ? batch.Events[^ClusterFeed.MaxEventsPerUpdate..] : batch.Events;
        var explained = feed.Explanations;
        var update = new ClusterUpdate(
            version,
            batch.Now,
            cluster.Snapshot,
            ClusterSummary.Of(cluster.Snapshot),
            explained.ByJob,
            [.. events],
            batch.Events.Count > ClusterFeed.MaxEventsPerUpdate)
        {
            ExplanationsAsOf = explained.AsOf,
            ExplanationsVersion = explained.Version,
        };
        foreach (var participant in participants)
        {
            update = participant.Describe(update, cluster, batch.Now);
        }

        return update;
    }

    /// <summary>
    /// Hands the published state to the explainer when it changed, or when the last explanations are
    /// <see cref="EngineOptions.ExplainInterval"/> old (estimated starts move with the clock). Costs the writer nothing
    /// that grows with the queue: the explainer copies nothing, the snapshot is immutable.
    /// </summary>
    private void RequestExplanations(PreparedBatch committed, DateTimeOffset now)
    {
        var snapshot = committed.Snapshot;
        var unchanged = lastExplained is { } last && ReferenceEquals(snapshot, last.Snapshot) && committed.Provisioning == last.Provisioning
            && (snapshot.Pending.Count == 0 || now - last.At < options.ExplainInterval);
        if (unchanged)
        {
            return;
        }

        lastExplained = new ExplanationRequest(committed.Version, now, snapshot, committed.Provisioning);
        explainer.Request(lastExplained);
    }

    private IJobExecutor? ExecutorFor(string nodeName)
    {
        var node = state!.Snapshot.Nodes.FirstOrDefault(n => n.Name == nodeName);
        return node is null ? null : Array.Find(executors, e => e.Handles(node));
    }
}

internal static partial class EngineLog
{
    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} commands could not be committed and was undone")]
    public static partial void CommitFailed(ILogger logger, Exception error, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {Job} could not be started")]
    public static partial void StartFailed(ILogger logger, Exception error, JobId job);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The exit of job {Job} could not be saved in {Attempts} attempts and was given up; the job stays Running until the engine restarts")]
    public static partial void ExitDropped(ILogger logger, JobId job, int attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unknown engine command {Command}")]
    public static partial void UnknownCommand(ILogger logger, string command);
}
