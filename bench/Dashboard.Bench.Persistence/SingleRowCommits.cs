using Dashboard.Bench.Scheduling;
using Dashboard.Data;
using Dashboard.Data.Writing;

namespace Dashboard.Bench.Persistence;

/// <summary>For scale: allocations one transaction each, one caller, no group commit.</summary>
public static class SingleRowCommits
{
    public static (long Allocations, TimeSpan Elapsed, Samples Commit) Run(string folder, SqliteSynchronous synchronous, TimeSpan measure)
    {
        var time = TimeProvider.System;
        var options = new DatabaseOptions { DataFolder = folder, FileName = $"single-{synchronous}.db".ToLowerInvariant(), Synchronous = synchronous };
        using var database = Database.Open(options, time);
        using var writer = new ClusterWriter(database);
        var workload = StartWorkload.Prepare(writer, capacity: 40_000, time.GetUtcNow());
        var commit = new Samples();
        var windowStart = time.GetTimestamp();
        long count = 0;
        while (time.GetElapsedTime(windowStart) < measure)
        {
            var started = time.GetTimestamp();
            writer.Write(workload.Next(time.GetUtcNow()));
            commit.Add(time.GetElapsedTime(started));
            count++;
        }

        return (count, time.GetElapsedTime(windowStart), commit);
    }
}
