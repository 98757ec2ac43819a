using Dashboard.Data.Usage;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dashboard.Data.Tests.UsageHistory;

/// <summary>
/// Over random jobs written through the real writer (preempted and restarted, still running, zero-length, spanning
/// midnights, starting and ending exactly at midnight, a millisecond either side, waiting or not; released
/// allocations rolled up, still queued, or some of each), the usage table's job columns read from the per-day roll-ups (<see cref="UsageHistoryStore.JobTotals"/>) equal the detailed
/// computation over every allocation (<see cref="UsageTotalling.Total"/> over <see cref="UsageHistoryStore.Segments"/>)
/// for random ranges, filters and groupings: held GPU-, CPU- and memory-milliseconds, jobs, mean and p95 wait.
/// </summary>
public sealed class JobDaysPropertyTests : IDisposable
{
    private const int Cases = 300;
    private const long DayMs = UsageHistoryStore.DayMs;

    private static readonly string[] Teams = ["vision", "nlp", "speech"];
    private static readonly string[] Users = ["alice", "bob", "carol"];

    // Without fsync per commit: the property is about sums.
    private readonly TempDatabase temp = new(SqliteSynchronous.Off);
    private readonly Database database;
    private readonly ClusterWriter writer;
    private readonly UsageHistoryStore store;
    private long nextJob = 1;

    public JobDaysPropertyTests()
    {
        database = temp.Open();
        writer = new ClusterWriter(database);
        store = new UsageHistoryStore(database);
    }

    public void Dispose()
    {
        writer.Dispose();
        temp.Dispose();
    }

    public enum RollUps
    {
        None,
        AfterAll,
        Between,
    }

    /// <summary>A generated job: submitted at <see cref="Submitted"/>, then its attempts one after another (ms from the case's origin).</summary>
    public sealed record GeneratedJob(string Team, string User, int Gpus, long Submitted, long Wait, (long Length, long Gap)[] Attempts, bool LastStillHeld);

    [Fact]
    public void Roll_up_answers_equal_the_detailed_computation_over_random_jobs_ranges_and_filters()
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(7, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        var caseIndex = 0;
        var cases =
            from jobs in Gen.ListOf(JobGen()).Select(l => l.Take(25).ToArray())
            from ranges in Gen.ArrayOf(RangeGen(), 6)
            from rollUps in Gen.Elements(RollUps.None, RollUps.AfterAll, RollUps.Between)
            select (jobs, ranges, rollUps);
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(cases), c =>
        {
            // Each case lives 30 days after the previous one; earlier cases' jobs stay in the file (both computations read them alike).
            var origin = Origin().AddDays(30 * caseIndex++);
            // Released allocations wait in the queue until a roll-up: answers are the same queued, rolled or half and half.
            var half = c.rollUps == RollUps.Between ? c.jobs.Length / 2 : c.jobs.Length;
            var times = Write(c.jobs[..half], origin);
            if (c.rollUps != RollUps.None)
            {
                store.RollUpJobDays();
            }

            times = [.. times, .. Write(c.jobs[half..], origin)];
            foreach (var (from, length, nowAfter, filterKind, byUser) in c.ranges)
            {
                var rangeFrom = origin.AddMilliseconds(Pick(times, from));
                var rangeTo = rangeFrom.AddMilliseconds(length);
                var now = rangeFrom.AddMilliseconds(nowAfter);
                var filter = filterKind switch
                {
                    0 => new JobFilter(null),
                    1 => new JobFilter([Teams[0]]),
                    2 => new JobFilter([Teams[1], Teams[2]]),
                    _ => new JobFilter(null, Users[0]),
                };
                var rolled = store.JobTotals(filter, byUser, rangeFrom, rangeTo, now, Key);
                var detailed = Detailed(filter, byUser, rangeFrom, rangeTo, now);
                if (!rolled.SequenceEqual(detailed))
                {
                    throw new InvalidOperationException(
                        $"range {rangeFrom:O}..{rangeTo:O} now {now:O} filter {filterKind} byUser {byUser}:\nrolled   {string.Join("; ", rolled)}\ndetailed {string.Join("; ", detailed)}");
                }
            }

            return true;
        }));
    }

    [Fact]
    public void After_a_restart_and_after_a_rebuild_from_jobs_the_roll_ups_hold_the_same_rows_and_give_the_same_answers()
    {
        var origin = Origin();
        Write(RandomJobs(60, seed: 3), origin);
        var ranges = new (DateTimeOffset From, DateTimeOffset To)[]
        {
            (origin.AddDays(-3), origin.AddDays(8)),
            (origin.AddDays(-1).AddHours(5), origin.AddDays(2).AddMinutes(17)),
            (origin.AddDays(1), origin.AddDays(3)),
            (origin.AddHours(1), origin.AddHours(20)),
        };
        var now = origin.AddDays(2).AddHours(7);
        var before = Answers(store, ranges, now);
        QueuedCount().Should().BeGreaterThan(0, "nothing is rolled up yet");

        store.RollUpJobDays();

        QueuedCount().Should().Be(0);
        Answers(store, ranges, now).Should().Equal(before, "rolled up or queued, every allocation counts once");
        var rows = DayRows();
        rows.Should().NotBeEmpty();

        using (var reopened = Database.Open(temp.Options, temp.Time))
        {
            Answers(new UsageHistoryStore(reopened), ranges, now).Should().Equal(before, "the roll-ups are in the file, not in memory");
        }

        store.RebuildJobDays();

        DayRows().Should().Equal(rows, "the queue and its roll-ups kept exactly what a rebuild from jobs and allocations computes");
        Answers(store, ranges, now).Should().Equal(before);
        foreach (var (from, to) in ranges)
        {
            foreach (var byUser in new[] { false, true })
            {
                store.JobTotals(new JobFilter(null), byUser, from, to, now, Key).Should().Equal(Detailed(new JobFilter(null), byUser, from, to, now));
            }
        }
    }

    [Fact]
    public void A_database_with_jobs_from_before_the_roll_ups_gets_them_filled_by_the_migration()
    {
        var old = new TempDatabase(SqliteSynchronous.Off);
        try
        {
            var origin = Origin();
            var jobs = RandomJobs(40, seed: 4);
            // Today's writer needs today's tables: the jobs are written to a current database and copied, column by
            // column, into one that stops before the roll-ups, as an installation from before 0003 holds them.
            using (var current = new TempDatabase(SqliteSynchronous.Off))
            {
                using (var written = current.Open())
                using (var writer = new ClusterWriter(written))
                {
                    Write(writer, jobs, origin);
                }

                old.Open([.. Dashboard.Data.Schema.BundledMigrations.All.Where(m => m.Version < 3)]).Dispose();
                CopyRowsInto(old, current);
            }

            using var upgraded = old.Open();
            var upgradedStore = new UsageHistoryStore(upgraded);
            var now = origin.AddDays(4);
            var all = upgradedStore.JobTotals(new JobFilter(null), true, origin.AddDays(-3), origin.AddDays(8), now, Key);
            all.Should().NotBeEmpty();
            all.Should().Equal(UsageTotalling.Total(upgradedStore.Segments(new JobFilter(null), origin.AddDays(-3), origin.AddDays(8)), s => Key(s.Team, s.Owner), origin.AddDays(-3), origin.AddDays(8), now));
        }
        finally
        {
            old.Dispose();
        }
    }

    /// <summary>Every row of <paramref name="source"/>'s tables that <paramref name="target"/> also has, in the columns both have.</summary>
    private static void CopyRowsInto(TempDatabase target, TempDatabase source)
    {
        using var connection = target.Raw();
        using (var attach = connection.CreateCommand())
        {
            attach.CommandText = "PRAGMA foreign_keys = OFF; ATTACH DATABASE $path AS source";
            attach.Parameters.AddWithValue("$path", source.FilePath);
            attach.ExecuteNonQuery();
        }

        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_version'";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        using var transaction = connection.BeginTransaction();
        foreach (var table in tables)
        {
            var columns = new List<string>();
            using (var info = connection.CreateCommand())
            {
                info.Transaction = transaction;
                info.CommandText = $"SELECT m.name FROM pragma_table_info('{table}', 'main') m JOIN pragma_table_info('{table}', 'source') s ON s.name = m.name";
                using var reader = info.ExecuteReader();
                while (reader.Read())
                {
                    columns.Add("\"" + reader.GetString(0) + "\"");
                }
            }

            if (columns.Count == 0)
            {
                continue;
            }

            using var copy = connection.CreateCommand();
            copy.Transaction = transaction;
            var names = string.Join(", ", columns);
            copy.CommandText = $"DELETE FROM main.\"{table}\"; INSERT INTO main.\"{table}\" ({names}) SELECT {names} FROM source.\"{table}\"";
            copy.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private static DateTimeOffset Origin() => UsageSplit.AlignDown(new DateTimeOffset(2026, 1, 5, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1));

    private static string Key(string team, string? user) => user is null ? team : team + "/" + user;

    private IReadOnlyList<UsageTotals> Detailed(JobFilter filter, bool byUser, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now) =>
        UsageTotalling.Total(store.Segments(filter, from, to), s => Key(s.Team, byUser ? s.Owner : null), from, to, now);

    private static List<UsageTotals> Answers(UsageHistoryStore reader, (DateTimeOffset From, DateTimeOffset To)[] ranges, DateTimeOffset now) =>
        [.. ranges.SelectMany(r => new[] { false, true }.SelectMany(byUser => reader.JobTotals(new JobFilter(null), byUser, r.From, r.To, now, Key)))];

    private long QueuedCount()
    {
        using var connection = temp.Raw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM job_days_pending";
        return (long)command.ExecuteScalar()!;
    }

    private List<string> DayRows()
    {
        using var connection = temp.Raw();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT 'team', day, team, '', held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms FROM team_job_days
            UNION ALL SELECT 'member', day, team, user_name, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms FROM member_job_days
            UNION ALL SELECT 'start', started_at, team, user_name, job_id, wait_ms, 0, 0, 0, 0 FROM job_first_starts
            ORDER BY 1, 2, 3, 4, 5
            """;
        var rows = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetValue(i).ToString())));
        }

        return rows;
    }

    /// <summary>Writes the jobs (their own node each), returns every time the jobs meet a boundary at (ms from origin).</summary>
    private long[] Write(GeneratedJob[] jobs, DateTimeOffset origin) => Write(writer, jobs, origin);

    private long[] Write(ClusterWriter target, GeneratedJob[] jobs, DateTimeOffset origin)
    {
        var times = new List<long> { 0, DayMs, -DayMs, 2 * DayMs };
        var changes = new List<ClusterChange>();
        foreach (var job in jobs)
        {
            var id = new JobId(nextJob++);
            var node = new Node($"node-{id.Value}", [.. Enumerable.Range(0, 8).Select(i => new Gpu(i, "A100", 80 * 1024))], 64_000, 512 * 1024);
            changes.Add(new NodeUpserted(node, origin));
            var spec = new JobSpec($"job-{id.Value}", job.User, job.Team, "python train.py", new ResourceRequest(job.Gpus, 1_000 + (job.Gpus * 3_000L), 2_048 + (job.Gpus * 8_192L)));
            changes.Add(new JobSubmitted(new Job(id, spec, origin.AddMilliseconds(job.Submitted))));
            var at = job.Submitted + job.Wait;
            for (var i = 0; i < job.Attempts.Length; i++)
            {
                var (length, gap) = job.Attempts[i];
                var start = origin.AddMilliseconds(at);
                times.Add(at);
                changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Running, start));
                changes.Add(new AllocationMade(new GpuAllocation(id, node.Name, [.. Enumerable.Range(0, job.Gpus)], spec.Request.CpuMillicores, spec.Request.MemoryMiB, start, null), false));
                var last = i == job.Attempts.Length - 1;
                if (last && job.LastStillHeld)
                {
                    break;
                }

                at += length;
                times.Add(at);
                changes.Add(new AllocationReleased(id, origin.AddMilliseconds(at)));
                changes.Add(new JobStateChanged(id, JobState.Running, last ? JobState.Succeeded : JobState.Pending, origin.AddMilliseconds(at)));
                at += gap;
            }
        }

        target.Write(changes);
        return [.. times];
    }

    /// <summary>Jobs like <see cref="JobGen"/>'s, from a seeded <see cref="Random"/>.</summary>
    private static GeneratedJob[] RandomJobs(int count, int seed)
    {
        var random = new Random(seed);
        long Span() => random.Next(4) switch
        {
            0 => 0,
            1 => random.Next(1, 3 * 24 * 60) * 60_000L,
            2 => random.NextInt64(1, 5 * DayMs / 2),
            _ => DayMs + random.Next(-1, 2),
        };

        return [.. Enumerable.Range(0, count).Select(_ => new GeneratedJob(
            Teams[random.Next(Teams.Length)],
            Users[random.Next(Users.Length)],
            random.Next(0, 9),
            random.Next(2) == 0 ? (random.Next(-2, 3) * DayMs) + random.Next(-1, 2) : random.NextInt64(-2 * DayMs, 3 * DayMs),
            random.Next(3) == 0 ? 0 : Span(),
            [.. Enumerable.Range(0, random.Next(1, 4)).Select(_ => (Span(), Span()))],
            random.Next(3) == 0))];
    }

    private static long Pick(long[] times, (int Index, long Nudge) pick) => times[pick.Index % times.Length] + pick.Nudge;

    /// <summary>Times near midnight (exactly, or a millisecond either side) as often as anywhere else in six days.</summary>
    private static Gen<long> Moment(long fromDay, long days) =>
        Gen.OneOf(
            Gen.Choose((int)fromDay, (int)(fromDay + days)).SelectMany(d => Gen.Elements(-1L, 0L, 1L).Select(n => (d * DayMs) + n)),
            Gen.Choose(0, int.MaxValue).Select(r => (fromDay * DayMs) + (long)(r / (double)int.MaxValue * days * DayMs)));

    private static Gen<long> Length() =>
        Gen.OneOf(
            Gen.Constant(0L),
            Gen.Choose(1, 3 * 24 * 60).Select(m => m * 60_000L),
            Gen.Choose(1, int.MaxValue).Select(r => (long)(r / (double)int.MaxValue * 2.5 * DayMs)),
            Gen.Elements(DayMs, DayMs - 1, DayMs + 1, 2 * DayMs));

    private static Gen<GeneratedJob> JobGen() =>
        from team in Gen.Elements(Teams)
        from user in Gen.Elements(Users)
        from gpus in Gen.Choose(0, 8)
        from submitted in Moment(-2, 5)
        from wait in Gen.OneOf(Gen.Constant(0L), Length())
        from attempts in Gen.Choose(1, 3).SelectMany(n => Gen.ArrayOf(Length().SelectMany(l => Length().Select(g => (l, g))), n))
        from stillHeld in Gen.Elements(false, false, true)
        select new GeneratedJob(team, user, gpus, submitted, wait, attempts, stillHeld);

    /// <summary>A range starting at (or a millisecond around, or hours around) a boundary, of any length up to eight days; now anywhere from its start to two days after it ends.</summary>
    private static Gen<((int Index, long Nudge) From, long Length, long NowAfter, int Filter, bool ByUser)> RangeGen() =>
        from index in Gen.Choose(0, 200)
        from nudge in Gen.OneOf(Gen.Elements(-1L, 0L, 1L), Gen.Choose(-48, 48).Select(h => h * 3_600_000L))
        from length in Gen.OneOf(Gen.Choose(1, 8).Select(d => d * DayMs), Gen.Choose(1, int.MaxValue).Select(r => 1 + (long)(r / (double)int.MaxValue * 8 * DayMs)))
        from nowAfter in Gen.Choose(0, int.MaxValue).Select(r => (long)(r / (double)int.MaxValue * 10 * DayMs))
        from filter in Gen.Choose(0, 3)
        from byUser in Gen.Elements(false, true)
        select ((index, nudge), length, nowAfter, filter, byUser);
}
