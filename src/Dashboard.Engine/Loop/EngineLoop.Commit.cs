using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Loop;

/// <summary>The second half of a batch: its commit, then (once on disk) its publication, its answers and its hand-offs.</summary>
public sealed partial class EngineLoop
{
    /// <summary>Starts writing the batch's changes (on another thread: the loop meanwhile applies the next batch).</summary>
    private Task StartCommit(PreparedBatch prepared, CancellationToken cancellationToken) =>
        prepared.Batch.Changes.Count == 0
            ? Task.CompletedTask
            : Task.Run(() => journal.CommitAsync(prepared.Batch.Changes, cancellationToken), CancellationToken.None);

    /// <summary>
    /// Waits for the batch's commit, then publishes its state, answers its callers and hands its starts and stops to the
    /// executors. A batch whose commit failed is undone (with whatever was applied on top of it) and its callers get
    /// the error; returns false then.
    /// </summary>
    private async Task<bool> FinishAsync(PreparedBatch prepared, CancellationToken cancellationToken)
    {
        var batch = prepared.Batch;
        try
        {
            await prepared.Commit.ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Undo(prepared);
            EngineLog.CommitFailed(logger, error, prepared.Commands.Count);
            foreach (var (command, _) in batch.Answers)
            {
                command.Completion!.TrySetException(new InvalidOperationException("The change could not be saved; nothing was changed. " + error.Message, error));
            }

            // Exits reported by executors are facts, not requests: try them again in a later batch, a few times, so
            // one exit that can never be written does not block every batch after it.
            foreach (var exited in prepared.Commands.OfType<JobExitedCommand>())
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

            return false;
        }

        metrics?.BatchCommitted(batch.Events, prepared.Snapshot);
        JobLifecycleLog.Committed(logger, batch.Events);

        // Published before answering: whoever awaited a command sees its effect in the feed.
        if (prepared.Update is { } update)
        {
            feed.Publish(update);
        }

        RequestExplanations(prepared, batch.Now);
        foreach (var (command, result) in batch.Answers)
        {
            command.Completion!.TrySetResult(result);
        }

        await HandToExecutorsAsync(prepared, cancellationToken).ConfigureAwait(false);
        foreach (var participant in participants)
        {
            participant.AfterCommit(batch, cancellationToken);
        }

        return true;
    }

    /// <summary>Shutting down with a commit under way: its callers are answered as it went; nothing more is handed out.</summary>
    private async Task SettleAsync(PreparedBatch prepared)
    {
        Exception? failure = null;
        try
        {
            await prepared.Commit.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            failure = error;
            Undo(prepared);
        }

        foreach (var (command, result) in prepared.Batch.Answers)
        {
            if (failure is null)
            {
                command.Completion!.TrySetResult(result);
            }
            else
            {
                command.Completion!.TrySetException(new InvalidOperationException("The engine is shutting down; nothing was changed.", failure));
            }
        }
    }

    private void Undo(PreparedBatch prepared)
    {
        prepared.Restore();
        (lastPlanned, lastFullExplanation, version) = prepared.Before;
    }

    /// <summary>The batch's stops with the executor of each and whether it is a preemption, read from the state after the batch.</summary>
    private IEnumerable<(JobId Job, IJobExecutor Executor, bool Preempted)> StopsOf(EngineBatch batch)
    {
        foreach (var job in batch.Stops)
        {
            if (state!.FindRunning(job) is { } running && ExecutorFor(running.Allocation.Node) is { } executor)
            {
                // A job stopped to go back to its queue (preempted) gets the preemption grace to checkpoint.
                // A person's requeue stops it as a cancel does.
                var preempted = state.Stopping.TryGetValue(job, out var intent) && intent.EndsAs == JobState.Pending && !intent.Requeued;
                yield return (job, executor, preempted);
            }
        }
    }

    private async Task HandToExecutorsAsync(PreparedBatch prepared, CancellationToken cancellationToken)
    {
        // Starting a process costs a few milliseconds of fork and exec: the batch's starts run side by side, and
        // all of them are under way before any stop of this batch is handed out.
        await Task.WhenAll(prepared.Launches.Select(launch => Task.Run(() => StartAsync(launch.Launch, launch.Executor, cancellationToken), cancellationToken))).ConfigureAwait(false);

        foreach (var (job, executor, preempted) in prepared.Stops)
        {
            await (preempted ? executor.PreemptAsync(job, cancellationToken) : executor.StopAsync(job, cancellationToken)).ConfigureAwait(false);
        }

        // A backend with its own time limit (Slurm) follows an extended walltime.
        foreach (var (job, walltime, executor) in prepared.Extensions)
        {
            if (executor is not null)
            {
                await executor.WalltimeExtendedAsync(job, walltime, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task StartAsync(JobLaunch launch, IJobExecutor? executor, CancellationToken cancellationToken)
    {
        try
        {
            if (executor is null)
            {
                throw new InvalidOperationException($"no executor runs jobs on {launch.Allocation.Node}");
            }

            await executor.StartAsync(launch, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
            EngineLog.StartFailed(logger, error, launch.Id);
            await inbox.JobExitedAsync(new JobExit(launch.Id, null, time.GetUtcNow(), "could not be started: " + error.Message)).ConfigureAwait(false);
        }
    }
}
