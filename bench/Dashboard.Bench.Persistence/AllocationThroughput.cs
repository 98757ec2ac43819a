using Dashboard.Bench.Scheduling;
using Dashboard.Data;
using Dashboard.Data.CrashHost;
using Dashboard.Data.Writing;

namespace Dashboard.Bench.Persistence;

/// <summary>
/// Durable steps per second: many concurrent submitters each commit one step at a time through one
/// <see cref="GroupCommitter"/> and wait for its acknowledgement (the transaction committed) before sending the next.
/// </summary>
public static class AllocationThroughput
{
    public sealed record Result(long Steps, TimeSpan Elapsed, Samples Commit, Samples Ack, double MeanListsPerTransaction, long Transactions)
    {
        public double PerSecond => Steps / Elapsed.TotalSeconds;
    }

    public static async Task<Result> Run(
        string folder,
        string name,
        SqliteSynchronous synchronous,
        int submitters,
        TimeSpan warmUp,
        TimeSpan measure,
        Func<ClusterWriter, DateTimeOffset, IWorkload> prepare)
    {
        var time = TimeProvider.System;
        var options = new DatabaseOptions { DataFolder = folder, FileName = $"{name}-{synchronous}.db".ToLowerInvariant(), Synchronous = synchronous };
        using var database = Database.Open(options, time);
        await using var checkpointer = new WalCheckpointer(database, time);
        using var writer = new ClusterWriter(database, checkpointer);
        var workload = prepare(writer, time.GetUtcNow());

        var commit = new Samples();
        var measuring = false;
        long transactions = 0, lists = 0;
        await using var committer = new GroupCommitter(writer, time, committed: report =>
        {
            if (Volatile.Read(ref measuring))
            {
                commit.Add(report.Duration);
                transactions++;
                lists += report.Lists;
            }
        });

        var planning = new Lock();
        var acks = new Samples[submitters];
        long done = 0;
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, submitters).Select(i => Task.Run(async () =>
        {
            var mine = acks[i] = new Samples();
            while (!stop.IsCancellationRequested)
            {
                Task pending;
                long started;
                lock (planning)
                {
                    started = time.GetTimestamp();
                    pending = committer.CommitAsync(workload.Next(time.GetUtcNow()));
                }

                await pending.ConfigureAwait(false);
                if (Volatile.Read(ref measuring))
                {
                    mine.Add(time.GetElapsedTime(started));
                    Interlocked.Increment(ref done);
                }
            }
        })).ToList();

        // A benchmark measures for a fixed time; it waits for no state.
        await Task.Delay(warmUp).ConfigureAwait(false);
        var windowStart = time.GetTimestamp();
        Volatile.Write(ref measuring, true);
        await Task.Delay(measure).ConfigureAwait(false);
        Volatile.Write(ref measuring, false);
        var elapsed = time.GetElapsedTime(windowStart);
        var count = Interlocked.Read(ref done);
        await stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(workers).ConfigureAwait(false);

        return new Result(count, elapsed, commit, Samples.Merge(acks), transactions == 0 ? 0 : lists / (double)transactions, transactions);
    }
}
