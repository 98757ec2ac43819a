using Dashboard.Data.Writing;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Engine;

/// <summary>The real executor; records when each StartAsync returned (the process has been forked and exec'd).</summary>
public sealed class TimedExecutor(IJobExecutor inner, JobTimeline timeline) : IJobExecutor
{
    public bool Handles(Node node) => inner.Handles(node);

    public async Task StartAsync(JobLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var called = JobTimeline.Now;
        await inner.StartAsync(launch, cancellationToken).ConfigureAwait(false);
        timeline.Started(launch.Id, JobTimeline.Now, called);
    }

    public Task StopAsync(JobId job, CancellationToken cancellationToken) => inner.StopAsync(job, cancellationToken);

    public Task<AdoptionOutcome> AdoptAsync(JobLaunch launch, CancellationToken cancellationToken) => inner.AdoptAsync(launch, cancellationToken);
}

/// <summary>The real journal; records each commit's duration and when each job's release was committed.</summary>
public sealed class TimedJournal(IClusterJournal inner, JobTimeline timeline) : IClusterJournal
{
    public async Task CommitAsync(IReadOnlyList<ClusterChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var called = JobTimeline.Now;
        await inner.CommitAsync(changes, cancellationToken).ConfigureAwait(false);
        var at = JobTimeline.Now;
        var failed = changes.OfType<JobStateChanged>().Count(c => c.From == JobState.Running && c.To != JobState.Succeeded);
        timeline.Committed(changes.Count, called, at, changes.OfType<AllocationReleased>().Select(r => r.Job), failed);
    }
}

/// <summary>The engine's inbox as the executor's exit sink; records when each exit was reported.</summary>
public sealed class TimedExitSink(IJobExitSink inner, JobTimeline timeline) : IJobExitSink
{
    public ValueTask JobExitedAsync(JobExit exit)
    {
        ArgumentNullException.ThrowIfNull(exit);
        timeline.ExitReported(exit.Job, JobTimeline.Now);
        return inner.JobExitedAsync(exit);
    }
}
