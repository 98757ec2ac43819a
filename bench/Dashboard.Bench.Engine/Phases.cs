using System.Diagnostics;
using Dashboard.Bench.Scheduling;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Engine;

/// <summary>What one phase measured: its window and each job's intervals.</summary>
public sealed record PhaseResult(
    int Jobs,
    TimeSpan SubmitToLastStart,
    TimeSpan SubmitToLastRelease,
    Samples SubmitToAck,
    Samples SubmitToStart,
    Samples StartToExitReported,
    Samples ExitReportedToRelease)
{
    public double StartsPerSecond => Jobs / SubmitToLastStart.TotalSeconds;

    public double ReleasesPerSecond => Jobs / SubmitToLastRelease.TotalSeconds;
}

/// <summary>The ways the benchmark drives the engine through its public API.</summary>
public static class Phases
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(100);

    /// <summary>
    /// <paramref name="submitters"/> concurrent callers submit <paramref name="jobs"/> jobs back to back (each waits
    /// for its acknowledgement, i.e. the commit, before its next submit); ends when every job's release committed.
    /// </summary>
    public static async Task<PhaseResult> FloodAsync(EngineOnLocalHost host, int jobs, int submitters)
    {
        var timeline = host.Timeline;
        var allReleased = timeline.ExpectReleases(jobs);
        var ids = new JobId[jobs];
        var next = -1;
        var first = JobTimeline.Now;
        await Task.WhenAll(Enumerable.Range(0, submitters).Select(_ => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < jobs)
            {
                ids[index] = await SubmitAsync(host, index).ConfigureAwait(false);
            }
        }))).ConfigureAwait(false);
        await allReleased.WaitAsync(Patience).ConfigureAwait(false);
        return Measure(timeline, ids, first);
    }

    /// <summary>One caller submits a job, waits until its process has started, then submits the next: an idle engine's latency.</summary>
    public static async Task<PhaseResult> OneAtATimeAsync(EngineOnLocalHost host, int jobs)
    {
        var timeline = host.Timeline;
        var allReleased = timeline.ExpectReleases(jobs);
        var ids = new JobId[jobs];
        var first = JobTimeline.Now;
        for (var index = 0; index < jobs; index++)
        {
            ids[index] = await SubmitAsync(host, index).ConfigureAwait(false);
            await timeline.WaitStartedAsync(ids[index]).WaitAsync(Patience).ConfigureAwait(false);
        }

        await allReleased.WaitAsync(Patience).ConfigureAwait(false);
        return Measure(timeline, ids, first);
    }

    private static async Task<JobId> SubmitAsync(EngineOnLocalHost host, int index)
    {
        var called = JobTimeline.Now;
        var result = await host.Engine.SubmitAsync(EngineOnLocalHost.TrueJob(index), "bench").ConfigureAwait(false);
        var acknowledged = JobTimeline.Now;
        if (!result.Succeeded || result.Job is not { } job)
        {
            throw new InvalidOperationException($"submit {index} was refused: {result.Reason}");
        }

        host.Timeline.Submitted(job, called, acknowledged);
        return job;
    }

    private static PhaseResult Measure(JobTimeline timeline, JobId[] ids, long first)
    {
        var ack = new Samples();
        var start = new Samples();
        var run = new Samples();
        var release = new Samples();
        long lastStart = first, lastRelease = first;
        foreach (var id in ids)
        {
            var submitted = timeline.SubmittedAt(id)!.Value;
            var started = timeline.StartedAt(id) ?? throw new InvalidOperationException($"job {id} was released but never started");
            var exited = timeline.ExitReportedAt(id) ?? started;
            var released = timeline.ReleasedAt(id)!.Value;
            ack.Add(Stopwatch.GetElapsedTime(submitted, timeline.AcknowledgedAt(id)!.Value));
            start.Add(Stopwatch.GetElapsedTime(submitted, started));
            run.Add(Stopwatch.GetElapsedTime(started, exited));
            release.Add(Stopwatch.GetElapsedTime(exited, released));
            lastStart = Math.Max(lastStart, started);
            lastRelease = Math.Max(lastRelease, released);
        }

        return new PhaseResult(ids.Length, Stopwatch.GetElapsedTime(first, lastStart), Stopwatch.GetElapsedTime(first, lastRelease), ack, start, run, release);
    }
}
