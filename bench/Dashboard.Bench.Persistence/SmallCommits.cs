using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Dapper;
using Dashboard.Bench.Scheduling;
using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Bench.Persistence;

/// <summary>
/// What one small commit costs by part (issue 19, submit19d): the engine's commit of an 8-client batch is about 4
/// submits (a jobs row with its indexes and full-text entry, an audit row each), on a database holding a million
/// finished jobs. Each variant leaves one part out (the FTS5 insert trigger, one index of jobs, the audit rows, or
/// everything but the table) and commits <c>commits</c> batches through <see cref="ClusterWriter"/> with
/// <c>synchronous=FULL</c>, reading the WAL frames each commit appends, the writer thread's CPU and the wall time.
/// The parts left out are put back after each variant, and the variants run in turns, so drift of the shared
/// machine spreads over all of them.
/// </summary>
public static class SmallCommits
{
    private const int SubmitsPerCommit = 4;

    private static readonly string[] JobIndexes =
    [
        "jobs_active", "jobs_by_team", "jobs_by_owner", "jobs_by_state", "jobs_by_name", "jobs_by_submitted", "jobs_by_gpus",
        "jobs_by_started", "jobs_by_started_set_first", "jobs_by_ended", "jobs_by_ended_set_first", "jobs_by_owner_state",
        "jobs_by_team_state",
    ];

    public static void Run(string folder, int finished, int commits, int rounds, bool eachIndex)
    {
        var options = new DatabaseOptions { DataFolder = folder, FileName = "small-commits.db", Synchronous = SqliteSynchronous.Full };
        var seeding = Stopwatch.StartNew();
        using var database = Database.Open(options, TimeProvider.System);
        Seed(database, finished);
        Console.WriteLine($"small commits: {finished:N0} finished jobs seeded in {seeding.Elapsed.TotalSeconds:0} s; {commits} commits of {SubmitsPerCommit} submits per variant, {rounds} rounds");

        var variants = new List<(string Name, string[] Drop, bool Audit)>
        {
            ("as shipped", [], true),
            ("no FTS insert trigger", ["TRIGGER jobs_text_after_insert"], true),
            ("no audit row", [], false),
        };
        if (eachIndex)
        {
            variants.AddRange(JobIndexes.Select(index => ($"no index {index}", new[] { "INDEX " + index }, true)));
        }

        variants.Add(("no index but the primary key (FTS kept)", [.. JobIndexes.Select(i => "INDEX " + i)], true));
        variants.Add(("no FTS trigger, no index but the primary key", ["TRIGGER jobs_text_after_insert", .. JobIndexes.Select(i => "INDEX " + i)], true));
        variants.Add(("floor: no FTS, no index, no audit", ["TRIGGER jobs_text_after_insert", .. JobIndexes.Select(i => "INDEX " + i)], false));

        var definitions = Definitions(database);
        var results = variants.ToDictionary(v => v.Name, _ => new List<Reading>());
        var nextId = NextId(database);
        for (var round = 0; round < rounds; round++)
        {
            foreach (var variant in variants)
            {
                Drop(database, variant.Drop);
                results[variant.Name].Add(Measure(database, commits, variant.Audit, ref nextId));
                Restore(database, variant.Drop, definitions);
            }
        }

        Console.WriteLine("variant | WAL frames per commit | WAL KiB per commit | writer CPU ms per commit | commit ms median / mean");
        foreach (var variant in variants)
        {
            var all = results[variant.Name];
            var latency = Samples.Merge(all.Select(r => r.Commit));

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{variant.Name} | {all.Average(r => r.FramesPerCommit):0.0} | {all.Average(r => r.WalKiBPerCommit):0.0} | {all.Average(r => r.CpuMsPerCommit):0.000} ({string.Join(", ", all.Select(r => r.CpuMsPerCommit.ToString("0.000", CultureInfo.InvariantCulture)))}) | {latency.Median:0.000} / {latency.Total / latency.Count:0.000}"));
        }
    }

    private sealed record Reading(double FramesPerCommit, double WalKiBPerCommit, double CpuMsPerCommit, Samples Commit);

    private static Reading Measure(Database database, int commits, bool audit, ref long nextId)
    {
        Checkpoint(database);
        var wal = database.FilePath + "-wal";
        // A checkpointer that never runs in the measurement: the writer's own checkpoints wait for 10,000 pages, so the
        // WAL only grows and its growth is the frames these commits wrote.
        var idle = new WalCheckpointer(database, TimeProvider.System, TimeSpan.FromHours(1));
        using var writer = new ClusterWriter(database, idle);
        long pageSize;
        using (var connection = database.OpenConnection())
        {
            pageSize = connection.ExecuteScalar<long>("PRAGMA page_size");
        }

        var walBefore = new FileInfo(wal).Exists ? new FileInfo(wal).Length : 0;
        var commit = new Samples();
        var cpu = TimeSpan.Zero;
        var now = TimeProvider.System.GetUtcNow();
        for (var i = 0; i < commits; i++)
        {
            var changes = new List<ClusterChange>(SubmitsPerCommit * 2);
            for (var s = 0; s < SubmitsPerCommit; s++)
            {
                var id = nextId++;
                var job = new Job(new JobId(id), new JobSpec($"bench-{id}", "member", "vision", "sleep 3600", new ResourceRequest(1, 1_000, 1_024), Walltime: TimeSpan.FromHours(1)), now);
                changes.Add(new JobSubmitted(job));
                if (audit)
                {
                    changes.Add(new AuditAppended(new AuditEntry(now, "member", "job.submit", $"job:{id}", null,
                        $$"""{"name":"bench-{{id}}","owner":"member","team":"vision","command":"sleep 3600","request":{"gpus":1,"cpuMillicores":1000,"memoryMiB":1024},"walltime":"01:00:00"}""")));
                }
            }

            var threadCpuBefore = ThreadCpu();
            var started = Stopwatch.GetTimestamp();
            writer.Write(changes);
            commit.Add(Stopwatch.GetElapsedTime(started));
            cpu += ThreadCpu() - threadCpuBefore;
        }

        // With the default auto-checkpoint of 1,000 pages and a truncated WAL, these commits only append frames.
        var walBytes = new FileInfo(wal).Length - walBefore;
        var frames = (walBytes - (walBefore == 0 ? 32 : 0)) / (double)(pageSize + 24);
        idle.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new Reading(frames / commits, walBytes / 1024.0 / commits, cpu.TotalMilliseconds / commits, commit);
    }

    /// <summary>The calling thread's CPU time (user + system, nanoseconds): the commit's fsync wait is not counted.</summary>
    private static TimeSpan ThreadCpu()
    {
        const int threadCpuClock = 3; // CLOCK_THREAD_CPUTIME_ID
        return clock_gettime(threadCpuClock, out var now) == 0 ? TimeSpan.FromTicks((now.Seconds * 1_000_000_000 + now.Nanoseconds) / 100) : TimeSpan.Zero;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", SetLastError = false)]
    private static extern int clock_gettime(int clock, out TimeSpec time);

    private static void Checkpoint(Database database)
    {
        using var connection = database.OpenConnection();
        connection.Execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }

    private static Dictionary<string, string> Definitions(Database database)
    {
        using var connection = database.OpenConnection();
        return connection.Query<(string Type, string Name, string Sql)>("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') AND sql IS NOT NULL")
            .ToDictionary(r => $"{r.Type.ToUpperInvariant()} {r.Name}", r => r.Sql);
    }

    private static void Drop(Database database, string[] parts)
    {
        using var connection = database.OpenConnection();
        foreach (var part in parts)
        {
            connection.Execute($"DROP {part}");
        }
    }

    private static void Restore(Database database, string[] parts, Dictionary<string, string> definitions)
    {
        using var connection = database.OpenConnection();
        foreach (var part in parts)
        {
            connection.Execute(definitions[part]);
        }
    }

    private static long NextId(Database database)
    {
        using var connection = database.OpenConnection();
        return connection.ExecuteScalar<long>("SELECT COALESCE(MAX(id), 0) + 1 FROM jobs");
    }

    /// <summary>The Api bench's million finished jobs (<c>DepthBenchmark.SeedFinished</c>), when the file has fewer.</summary>
    private static void Seed(Database database, int count)
    {
        using var connection = database.OpenConnection();
        if (connection.ExecuteScalar<long>("SELECT COUNT(*) FROM jobs") >= count)
        {
            return;
        }

        using var transaction = connection.BeginTransaction();
        connection.Execute(
            Dashboard.Bench.Api.FinishedJobsSeed.Sql,
            new { count, origin = TimeProvider.System.GetUtcNow().AddDays(-365).ToUnixTimeMilliseconds() },
            transaction);
        transaction.Commit();
    }
}
