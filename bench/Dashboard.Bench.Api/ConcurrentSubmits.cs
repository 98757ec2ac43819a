using System.Diagnostics;
using Dashboard.Bench.Scheduling;

namespace Dashboard.Bench.Api;

/// <summary>The outcome of one run: every submit's latency, how long the whole run took, and how many failed.</summary>
public sealed record SubmitRun(Samples Latencies, TimeSpan Elapsed, int Failures, string? FirstFailure)
{
    public double PerSecond => Latencies.Count / Elapsed.TotalSeconds;
}

/// <summary>Runs <c>total</c> submits spread over <c>clients</c> concurrent workers, each submit timed on its own.</summary>
public static class ConcurrentSubmits
{
    public static async Task<SubmitRun> RunAsync(int total, int clients, Func<int, int, Task<string?>> submit)
    {
        ArgumentNullException.ThrowIfNull(submit);
        var next = -1;
        var latencies = new List<TimeSpan>[clients];
        var failures = 0;
        string? firstFailure = null;
        var started = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var mine = latencies[client] = [];
            int index;
            while ((index = Interlocked.Increment(ref next)) < total)
            {
                var start = Stopwatch.GetTimestamp();
                var failure = await submit(client, index).ConfigureAwait(false);
                if (failure is null)
                {
                    mine.Add(Stopwatch.GetElapsedTime(start));
                }
                else
                {
                    Interlocked.Increment(ref failures);
                    Interlocked.CompareExchange(ref firstFailure, failure, null);
                }
            }
        }))).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = new Samples();
        foreach (var latency in latencies.SelectMany(l => l))
        {
            all.Add(latency);
        }

        return new SubmitRun(all, elapsed, failures, firstFailure);
    }
}
