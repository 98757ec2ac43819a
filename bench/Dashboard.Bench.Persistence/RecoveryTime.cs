using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Bench.Scheduling;
using Dashboard.Data;
using Dashboard.Data.CrashHost;
using Dashboard.Data.Recovery;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Persistence;

/// <summary>
/// Start-up recovery time: a database with 100,000 pending and 8,000 running jobs (1,000 nodes x 8 GPUs, 10 teams)
/// is opened (schema check included) and rebuilt into a ClusterSnapshot with its invariants checked, several times.
/// </summary>
public static class RecoveryTime
{
    public const int Pending = 100_000;
    public const int Running = 8_000;

    public static (Samples Load, RecoveredCluster Last, TimeSpan Build) Run(string folder, int repeats)
    {
        var time = TimeProvider.System;
        var options = new DatabaseOptions { DataFolder = folder, FileName = "recovery.db", Synchronous = SqliteSynchronous.Normal };
        var buildStart = time.GetTimestamp();
        using (var database = Database.Open(options, time))
        {
            Build(database, time.GetUtcNow());
        }

        var build = time.GetElapsedTime(buildStart);
        var load = new Samples();
        RecoveredCluster? last = null;
        for (var i = 0; i < repeats; i++)
        {
            var started = time.GetTimestamp();
            using var database = Database.Open(options, time);
            last = ClusterRecovery.Load(database, SchedulerSettings.Default);
            load.Add(time.GetElapsedTime(started));
        }

        return (load, last!, build);
    }

    private static void Build(Database database, DateTimeOffset now)
    {
        using var writer = new ClusterWriter(database);
        var nodes = SyntheticLoad.Nodes(count: 1000, gpusPerNode: 8);
        var teams = Enumerable.Range(0, 10).Select(t => string.Create(CultureInfo.InvariantCulture, $"team-{t}")).ToList();
        var setup = new List<ClusterChange>(nodes.Select(n => (ClusterChange)new NodeUpserted(n, now)));
        var share = new ResourceAmount(800, 8_000_000, 1024L * 1024 * 1024);
        setup.AddRange(teams.Select(t => new QuotaSet(new TeamQuota(t, share, share), now)));
        setup.AddRange(teams.Select(t => new TeamUsageSet(new TeamUsage(t, 1e6, 2e6, now))));
        writer.Write(setup);

        var batch = new List<ClusterChange>(20_000);
        for (var id = 1; id <= Pending + Running; id++)
        {
            var team = teams[id % teams.Count];
            var spec = new JobSpec($"job-{id}", "bench", team, "python train.py", new ResourceRequest(1, 4_000, 16_384), Priority: id % 7);
            var job = new Job(new JobId(id), spec, now.AddMilliseconds(id));
            batch.Add(new JobSubmitted(job));
            if (id > Pending)
            {
                var slot = id - Pending - 1;
                var allocation = new GpuAllocation(job.Id, nodes[slot / 8].Name, ImmutableArray.Create(slot % 8), 4_000, 16_384, now.AddMinutes(1), null);
                batch.Add(new JobStateChanged(job.Id, JobState.Pending, JobState.Running, allocation.Start));
                batch.Add(new AllocationMade(allocation, Borrowing: false));
            }

            if (batch.Count >= 20_000)
            {
                writer.Write(batch);
                batch.Clear();
            }
        }

        writer.Write(batch);
    }
}
