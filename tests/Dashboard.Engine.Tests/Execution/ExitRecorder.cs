using System.Collections.Concurrent;
using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>The exits an executor reports, one awaitable per job (awaited before or after the exit arrives).</summary>
internal sealed class ExitRecorder : IJobExitSink
{
    private readonly ConcurrentDictionary<JobId, TaskCompletionSource<JobExit>> exits = new();

    public Task<JobExit> For(JobId job) => Completion(job).Task;

    /// <summary>Forgets the job's reported exit, so that <see cref="For"/> awaits the exit of its next attempt.</summary>
    public void Forget(JobId job) => exits.TryRemove(job, out _);

    public ValueTask JobExitedAsync(JobExit exit)
    {
        Completion(exit.Job).TrySetResult(exit);
        return ValueTask.CompletedTask;
    }

    private TaskCompletionSource<JobExit> Completion(JobId job) =>
        exits.GetOrAdd(job, _ => new TaskCompletionSource<JobExit>(TaskCreationOptions.RunContinuationsAsynchronously));
}
