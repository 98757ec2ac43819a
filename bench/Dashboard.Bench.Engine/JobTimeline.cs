using System.Collections.Concurrent;
using System.Diagnostics;
using Dashboard.Bench.Scheduling;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Engine;

/// <summary>
/// Stopwatch timestamps of each job's life as seen from outside the engine (submit called, submit acknowledged)
/// and from the decorators around the engine's collaborators (process started, exit reported, release committed).
/// </summary>
public sealed class JobTimeline
{
    private readonly ConcurrentDictionary<JobId, long> submitted = new();
    private readonly ConcurrentDictionary<JobId, long> acknowledged = new();
    private readonly ConcurrentDictionary<JobId, long> started = new();
    private readonly ConcurrentDictionary<JobId, long> exitReported = new();
    private readonly ConcurrentDictionary<JobId, long> released = new();
    private readonly ConcurrentDictionary<JobId, TaskCompletionSource> startWaiters = new();
    private readonly Lock gate = new();
    private int releasedCount;
    private int releasedTarget = int.MaxValue;
    private TaskCompletionSource allReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Time spent inside the local executor's StartAsync (folder, wrapper, fork/exec of setsid).</summary>
    public Samples ProcessStart { get; } = new();

    /// <summary>Time spent inside the journal's CommitAsync (one SQLite transaction per engine batch).</summary>
    public Samples Commit { get; } = new();

    public long Commits { get; private set; }

    public long ChangesCommitted { get; private set; }

    public int Failed { get; private set; }

    public static long Now => Stopwatch.GetTimestamp();

    public void Submitted(JobId job, long calledAt, long acknowledgedAt)
    {
        submitted[job] = calledAt;
        acknowledged[job] = acknowledgedAt;
    }

    public void Started(JobId job, long at, long callStartedAt)
    {
        started[job] = at;
        lock (gate)
        {
            ProcessStart.Add(Stopwatch.GetElapsedTime(callStartedAt, at));
        }

        if (startWaiters.TryRemove(job, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    public void ExitReported(JobId job, long at) => exitReported[job] = at;

    public void Committed(int changes, long callStartedAt, long at, IEnumerable<JobId> releasedJobs, int failedJobs)
    {
        lock (gate)
        {
            Commit.Add(Stopwatch.GetElapsedTime(callStartedAt, at));
            Commits++;
            ChangesCommitted += changes;
            Failed += failedJobs;
        }

        foreach (var job in releasedJobs)
        {
            released[job] = at;
            if (Interlocked.Increment(ref releasedCount) >= Volatile.Read(ref releasedTarget))
            {
                allReleased.TrySetResult();
            }
        }
    }

    /// <summary>Completes once <paramref name="count"/> more jobs have had their release committed.</summary>
    public Task ExpectReleases(int count)
    {
        lock (gate)
        {
            allReleased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref releasedTarget, Volatile.Read(ref releasedCount) + count);
            if (count <= 0)
            {
                allReleased.TrySetResult();
            }

            return allReleased.Task;
        }
    }

    /// <summary>Completes once the executor has started <paramref name="job"/> (at once if it already has).</summary>
    public Task WaitStartedAsync(JobId job)
    {
        var waiter = startWaiters.GetOrAdd(job, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (started.ContainsKey(job))
        {
            startWaiters.TryRemove(job, out _);
            waiter.TrySetResult();
        }

        return waiter.Task;
    }

    public long? SubmittedAt(JobId job) => submitted.TryGetValue(job, out var at) ? at : null;

    public long? AcknowledgedAt(JobId job) => acknowledged.TryGetValue(job, out var at) ? at : null;

    public long? StartedAt(JobId job) => started.TryGetValue(job, out var at) ? at : null;

    public long? ExitReportedAt(JobId job) => exitReported.TryGetValue(job, out var at) ? at : null;

    public long? ReleasedAt(JobId job) => released.TryGetValue(job, out var at) ? at : null;
}
