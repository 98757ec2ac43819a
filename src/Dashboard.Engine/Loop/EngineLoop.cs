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
/// runs the scheduler, commits the batch's changes in one transaction, then answers the callers, publishes the
/// new state and hands starts and stops to the executors. A batch whose commit fails is undone and its callers
/// get the error: nothing is acknowledged that is not on disk.
/// </summary>
public sealed class EngineLoop(
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
    // The explainer paces itself on the machine's clock: its computations cost real CPU time, whatever the engine's clock.
    // It rests at least ExplainerMinRest and at most a quarter of ExplainInterval, so explanations stay well within that age.
    private readonly WaitingExplainer explainer = new(feed, TimeProvider.System, options.ExplainerRest, options.ExplainerMinRest, options.ExplainInterval / 4, logger);
    private DateTimeOffset lastFullExplanation = DateTimeOffset.MinValue;
    private DateTimeOffset lastPlanned = DateTimeOffset.MinValue;
    private ExplanationRequest? lastExplained;
    private long version;
    // Group commit: how many commands the next batch waits for (at most GatherWait): the callers answered last, who may
    // send again, plus the commands that were already waiting when they were answered.
    private int gatherTarget;
    private long taken;

    /// <summary>Completes once the engine has recovered its state and is taking commands.</summary>
    public Task Started => started.Task;

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
        var batch = new List<EngineCommand>(options.MaxBatch);
        try
        {
            while (await inbox.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                var cpu = WriterCpu.Start();
                while (batch.Count < options.MaxBatch && inbox.Reader.TryRead(out var command))
                {
                    batch.Add(command);
                    taken++;
                }

                WriterCpu.Count(WriterCpu.Part.Gather, cpu);

                var target = Math.Min(gatherTarget, options.MaxBatch);
                if (options.GatherWait > TimeSpan.Zero && batch.Count < target && target <= options.GatherAtMost)
                {
                    await GatherAsync(batch, target, stoppingToken).ConfigureAwait(false);
                }

                await RunBatchAsync(batch, stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // Shutting down: nobody waits forever for an answer that will not come.
            foreach (var command in batch.Concat(DrainInbox()))
            {
                command.Completion?.TrySetException(new InvalidOperationException("The engine is shutting down; nothing was changed."));
            }
        }
    }

    /// <summary>
    /// Group commit (<see cref="EngineOptions.GatherWait"/>): adds commands to <paramref name="batch"/> as they arrive
    /// until it holds <paramref name="target"/> or the wait is over, on the machine's clock (it only decides what is
    /// committed together, never what is decided).
    /// </summary>
    private async Task GatherAsync(List<EngineCommand> batch, int target, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(options.GatherWait);
        try
        {
            while (batch.Count < target)
            {
                if (inbox.Reader.TryRead(out var command))
                {
                    batch.Add(command);
                    taken++;
                }
                else if (!await inbox.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The wait is over: what came is committed now.
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

    private async Task RunBatchAsync(List<EngineCommand> commands, CancellationToken cancellationToken, IReadOnlyDictionary<JobId, string>? resumeCancels = null)
    {
        var cpu = WriterCpu.Start();
        var cluster = state!;
        var saved = cluster.Save();
        var planned = false;
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

        cpu = WriterCpu.Count(WriterCpu.Part.Apply, cpu);

        // The writer's pass decides starts, backfill and preemption only: it stops early where nothing more can change
        // and estimates no starts (what grows with the queue is explained off the writer). Only a participant that
        // reads every job's reason (elastic pools) has small backlogs fully explained here, as before.
        // Some decisions come with time alone (a borrower's minimum run ends, say): while jobs wait, a pass runs at
        // least every ExplainInterval.
        // A batch that only added waiting jobs to a full cluster, where the full pass provably decides nothing
        // (CheapPass.DecidesNothing), takes the cheap pass: the full one still runs at least every ExplainInterval. The
        // waiting jobs' reasons are that full pass's (explaining every job where it would), computed only if read (an
        // elastic pool with room to grow reads them).
        var explainedAll = false;
        var readsReasons = Array.Exists(participants, p => p.ReadsPlanReasons);
        var dueForExplanation = readsReasons && DueSince(cluster, lastFullExplanation, batch.Now);
        var duePass = DueSince(cluster, lastPlanned, batch.Now);
        if (batch.NeedsPlan || commands.Count == 0 || dueForExplanation || duePass)
        {
            explainedAll = readsReasons && (cluster.Snapshot.Pending.Count < options.ExplainAlwaysBelow || dueForExplanation);
            var settings = cluster.Snapshot.Settings with { ExplainAllPending = explainedAll };
            var planStarted = time.GetTimestamp();
            var eligibility = cluster.SplitEligible(settings, batch);
            if (!duePass && OnlySubmits(commands, resumeCancels) && CheapPass.DecidesNothing(eligibility.Eligible))
            {
                cluster.KeepWaiting(CheapPass.PendingOf(eligibility.Eligible, batch.Now));
                metrics?.CheapPassTook(time.GetElapsedTime(planStarted));
            }
            else
            {
                planned = true;
                var plan = Scheduler.Plan(eligibility.Eligible, batch.Now);
                metrics?.SchedulingPassTook(time.GetElapsedTime(planStarted));
                cluster.ApplyPlan(plan, batch);
            }

            cluster.AfterPass(batch);
        }

        foreach (var participant in participants)
        {
            participant.AfterPlan(cluster, batch);
        }

        cpu = WriterCpu.Count(WriterCpu.Part.Pass, cpu);

        try
        {
            if (batch.Changes.Count > 0)
            {
                await journal.CommitAsync(batch.Changes, cancellationToken).ConfigureAwait(false);
            }

            cpu = WriterCpu.Count(WriterCpu.Part.Commit, cpu);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            cluster.Restore(saved);
            gatherTarget = 0;

            EngineLog.CommitFailed(logger, error, commands.Count);
            foreach (var (command, _) in batch.Answers)
            {
                command.Completion!.TrySetException(new InvalidOperationException("The change could not be saved; nothing was changed. " + error.Message, error));
            }

            // Exits reported by executors are facts, not requests: try them again in a later batch, a few times, so
            // one exit that can never be written does not block every batch after it.
            foreach (var exited in commands.OfType<JobExitedCommand>())
            {
                if (exited.Attempt + 1 < MaxExitAttempts)
                {
                    await inbox.Post(exited with { Attempt = exited.Attempt + 1 }).ConfigureAwait(false);
                }
                else
                {
                    EngineLog.ExitDropped(logger, exited.Exit.Job, MaxExitAttempts);
                }
            }

            return;
        }

        if (planned)
        {
            lastPlanned = batch.Now;
        }

        if (explainedAll)
        {
            lastFullExplanation = batch.Now;
        }

        metrics?.BatchCommitted(batch.Events, cluster.Snapshot);
        JobLifecycleLog.Committed(logger, batch.Events);
        cpu = WriterCpu.Count(WriterCpu.Part.Metrics, cpu);

        // Published before answering: whoever awaited a command sees its effect in the feed.
        Publish(cluster, batch);
        cpu = WriterCpu.Count(WriterCpu.Part.Publish, cpu);
        RequestExplanations(cluster, batch.Now);
        cpu = WriterCpu.Count(WriterCpu.Part.Explain, cpu);
        gatherTarget = batch.Answers.Count + (int)Math.Clamp(inbox.Posted - taken, 0, options.MaxBatch);
        foreach (var (command, result) in batch.Answers)
        {
            command.Completion!.TrySetResult(result);
        }

        cpu = WriterCpu.Count(WriterCpu.Part.Answers, cpu);
        await HandToExecutorsAsync(batch, cancellationToken).ConfigureAwait(false);
        foreach (var participant in participants)
        {
            participant.AfterCommit(batch, cancellationToken);
        }

        WriterCpu.Count(WriterCpu.Part.Executors, cpu);
        WriterCpu.BatchDone();
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

    private static bool OnlySubmits(List<EngineCommand> commands, IReadOnlyDictionary<JobId, string>? resumeCancels) =>
        resumeCancels is null && commands.Count > 0 && commands.TrueForAll(c => c is SubmitJobCommand);

    private bool DueSince(ClusterState cluster, DateTimeOffset last, DateTimeOffset now) =>
        cluster.Snapshot.Pending.Count > 0 && now - last >= options.ExplainInterval;

    private void Publish(ClusterState cluster, EngineBatch batch)
    {
        if (batch.Changes.Count == 0 && batch.Events.Count == 0 && feed.Current is not null && batch.Stops.Count == 0 && !batch.NeedsPlan && !batch.StatusChanged)
        {
            return;
        }

        version++;
        var events = batch.Events.Count > ClusterFeed.MaxEventsPerUpdate ? batch.Events[^ClusterFeed.MaxEventsPerUpdate..] : batch.Events;
        var explained = feed.Explanations;
        var update = new ClusterUpdate(
            version,
            batch.Now,
            cluster.Snapshot,
            ClusterSummary.Of(cluster.Snapshot, feed.Current?.Snapshot, feed.Current?.Summary),
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

        feed.Publish(update);
    }

    /// <summary>
    /// Hands the published state to the explainer when it changed, or when the last explanations are
    /// <see cref="EngineOptions.ExplainInterval"/> old (estimated starts move with the clock). Costs the writer nothing
    /// that grows with the queue: the explainer copies nothing, the snapshot is immutable.
    /// </summary>
    private void RequestExplanations(ClusterState cluster, DateTimeOffset now)
    {
        var unchanged = lastExplained is { } last && ReferenceEquals(cluster.Snapshot, last.Snapshot) && cluster.Provisioning == last.Provisioning
            && (cluster.Snapshot.Pending.Count == 0 || now - last.At < options.ExplainInterval);
        if (unchanged)
        {
            return;
        }

        lastExplained = new ExplanationRequest(version, now, cluster.Snapshot, cluster.Provisioning);
        explainer.Request(lastExplained);
    }

    private async Task HandToExecutorsAsync(EngineBatch batch, CancellationToken cancellationToken)
    {
        // Starting a process costs a few milliseconds of fork and exec: the batch's starts run side by side, and
        // all of them are under way before any stop of this batch is handed out.
        await Task.WhenAll(batch.Launches.Select(launch => Task.Run(() => StartAsync(launch, cancellationToken), cancellationToken))).ConfigureAwait(false);

        foreach (var job in batch.Stops)
        {
            if (state!.FindRunning(job) is { } running && ExecutorFor(running.Allocation.Node) is { } executor)
            {
                // A job stopped to go back to its queue (preempted) gets the preemption grace to checkpoint.
                // A person's requeue stops it as a cancel does.
                var preempted = state.Stopping.TryGetValue(job, out var intent) && intent.EndsAs == JobState.Pending && !intent.Requeued;
                await (preempted ? executor.PreemptAsync(job, cancellationToken) : executor.StopAsync(job, cancellationToken)).ConfigureAwait(false);
            }
        }

        // A backend with its own time limit (Slurm) follows an extended walltime.
        foreach (var (job, walltime) in batch.Extensions)
        {
            if (state!.FindRunning(job) is { } running && ExecutorFor(running.Allocation.Node) is { } executor)
            {
                await executor.WalltimeExtendedAsync(job, walltime, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        try
        {
            var executor = ExecutorFor(launch.Allocation.Node) ?? throw new InvalidOperationException($"no executor runs jobs on {launch.Allocation.Node}");
            await executor.StartAsync(launch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            EngineLog.StartFailed(logger, error, launch.Id);
            await inbox.JobExitedAsync(new JobExit(launch.Id, null, time.GetUtcNow(), "could not be started: " + error.Message)).ConfigureAwait(false);
        }
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
