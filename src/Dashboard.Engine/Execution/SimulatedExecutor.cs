using System.Collections.Concurrent;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>
/// Runs jobs on demo nodes by pretending: a job "runs" for half its walltime (capped at
/// <see cref="MaxRuntime"/>; <see cref="DefaultRuntime"/> without one) on the injected clock, then exits 0.
/// Nothing is executed. Stopping one ends it at once with exit code 143, as SIGTERM would.
/// </summary>
public sealed class SimulatedExecutor(IJobExitSink sink, TimeProvider time) : IJobExecutor, IDisposable
{
    public static readonly TimeSpan DefaultRuntime = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan MaxRuntime = TimeSpan.FromMinutes(10);
    public const int TerminatedExitCode = 143;

    private readonly ConcurrentDictionary<JobId, ITimer> running = new();

    public bool Handles(Node node) => node is { Simulated: true };

    public static TimeSpan RuntimeOf(Job job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var half = job.Spec.Walltime is { } walltime ? walltime / 2 : DefaultRuntime;
        return half < MaxRuntime ? half : MaxRuntime;
    }

    public Task StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        Schedule(launch.Id, RuntimeOf(launch.Job));
        return Task.CompletedTask;
    }

    public Task StopAsync(JobId job, CancellationToken cancellationToken)
    {
        if (running.TryRemove(job, out var timer))
        {
            timer.Dispose();
            return sink.JobExitedAsync(new JobExit(job, TerminatedExitCode, time.GetUtcNow(), null)).AsTask();
        }

        return Task.CompletedTask;
    }

    /// <summary>A simulated job survives a restart too: it ends when its simulated runtime, counted from its start, is over.</summary>
    public Task<AdoptionOutcome> AdoptAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var remaining = launch.Allocation.Start + RuntimeOf(launch.Job) - time.GetUtcNow();
        Schedule(launch.Id, remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        return Task.FromResult(AdoptionOutcome.Adopted);
    }

    public void Dispose()
    {
        foreach (var timer in running.Values)
        {
            timer.Dispose();
        }

        running.Clear();
    }

    private void Schedule(JobId job, TimeSpan runtime)
    {
        // Registered before it is armed: a timer due at once may fire before CreateTimer returns.
        var timer = time.CreateTimer(_ => Complete(job), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        running[job] = timer;
        timer.Change(runtime, Timeout.InfiniteTimeSpan);
    }

    private void Complete(JobId job)
    {
        if (running.TryRemove(job, out var timer))
        {
            timer.Dispose();
            _ = sink.JobExitedAsync(new JobExit(job, 0, time.GetUtcNow(), null)).AsTask();
        }
    }
}
