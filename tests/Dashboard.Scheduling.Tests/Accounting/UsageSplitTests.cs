using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dashboard.Scheduling.Tests.Accounting;

public sealed class UsageSplitTests
{
    private static readonly DateTimeOffset Midnight = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    private static HeldSegment Segment(DateTimeOffset start, DateTimeOffset? end, int gpus = 2, long cpu = 8_000, long memory = 65_536, int attempt = 1, DateTimeOffset? submitted = null, string team = "vision", string owner = "alice", long job = 1) =>
        new(new JobId(job), team, owner, submitted ?? start, attempt, start, end, gpus, cpu, memory);

    [Fact]
    public void A_job_from_22_30_to_01_15_the_next_day_splits_at_each_hour_and_at_midnight_exactly()
    {
        var job = Segment(Midnight.AddMinutes(-90), Midnight.AddMinutes(75), gpus: 4);

        var hours = UsageSplit.ByBucket(job, TimeSpan.FromHours(1), Midnight.AddDays(1)).ToList();
        var days = UsageSplit.ByBucket(job, TimeSpan.FromDays(1), Midnight.AddDays(1)).ToList();

        hours.Select(h => (h.BucketStart, h.Held.Milliseconds / 60_000)).Should().Equal(
            (Midnight.AddHours(-2), 30), (Midnight.AddHours(-1), 60), (Midnight, 60), (Midnight.AddHours(1), 15));
        hours.Select(h => h.Held.GpuMilliseconds).Should().Equal(4L * 30 * 60_000, 4L * 60 * 60_000, 4L * 60 * 60_000, 4L * 15 * 60_000);
        days.Select(d => (d.BucketStart, d.Held.GpuHours)).Should().Equal((Midnight.AddDays(-1), 6.0), (Midnight, 5.0));
        hours.Aggregate(HeldAmount.Zero, (sum, h) => sum + h.Held).Should().Be(UsageSplit.Whole(job, Midnight.AddDays(1)));
        days.Aggregate(HeldAmount.Zero, (sum, d) => sum + d.Held).Should().Be(UsageSplit.Whole(job, Midnight.AddDays(1)));
        UsageSplit.Whole(job, Midnight.AddDays(1)).GpuHours.Should().Be(11.0);
    }

    [Fact]
    public void A_range_counts_only_its_part_of_a_job_to_the_millisecond()
    {
        var job = Segment(Midnight.AddMilliseconds(-1_500), Midnight.AddSeconds(10), gpus: 1, cpu: 2_500);

        var inside = UsageSplit.Within(job, Midnight, Midnight.AddHours(1), Midnight.AddHours(1));

        inside.Milliseconds.Should().Be(10_000);
        inside.GpuMilliseconds.Should().Be(10_000);
        inside.MillicoreMilliseconds.Should().Be(25_000_000);
        UsageSplit.Within(job, Midnight.AddHours(1), Midnight.AddHours(2), Midnight.AddHours(2)).Should().Be(HeldAmount.Zero);
    }

    [Fact]
    public void A_job_still_running_accrues_up_to_now_and_no_further()
    {
        var job = Segment(Midnight, end: null, gpus: 8);

        UsageSplit.Whole(job, Midnight.AddMinutes(45)).GpuHours.Should().Be(6.0);
        UsageSplit.Within(job, Midnight, Midnight.AddDays(1), Midnight.AddMinutes(45)).GpuHours.Should().Be(6.0);
        UsageSplit.ByBucket(job, TimeSpan.FromHours(1), Midnight.AddMinutes(45)).Should().ContainSingle();
    }

    [Fact]
    public void Cancelled_and_timed_out_jobs_count_what_they_held_until_release_and_a_preempted_job_counts_both_runs()
    {
        // The store gives every allocation with its release time, whatever the job's end state was.
        var cancelled = Segment(Midnight, Midnight.AddMinutes(20), gpus: 2, job: 1, submitted: Midnight.AddMinutes(-10));
        var timedOut = Segment(Midnight, Midnight.AddHours(2), gpus: 1, job: 2, submitted: Midnight);
        var preemptedFirst = Segment(Midnight, Midnight.AddMinutes(30), gpus: 4, job: 3, submitted: Midnight.AddMinutes(-30));
        var preemptedSecond = Segment(Midnight.AddHours(1), Midnight.AddHours(2), gpus: 4, attempt: 2, job: 3, submitted: Midnight.AddMinutes(-30));

        var totals = UsageTotalling.Total([cancelled, timedOut, preemptedFirst, preemptedSecond], s => s.Team, Midnight, Midnight.AddDays(1), Midnight.AddDays(1));

        var row = totals.Should().ContainSingle().Subject;
        row.Held.GpuMilliseconds.Should().Be((2L * 20 + 1L * 120 + 4L * 30 + 4L * 60) * 60_000);
        row.Held.GpuHours.Should().BeApproximately(520 / 60.0, 1e-12);
        row.Jobs.Should().Be(3, "a requeued job is one job");
        row.MeanWait.Should().Be(TimeSpan.FromMinutes((10 + 0 + 30) / 3.0));
        row.P95Wait.Should().Be(TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void Jobs_and_waits_belong_to_the_range_of_the_first_start_and_p95_is_the_nearest_rank()
    {
        var waits = Enumerable.Range(1, 20).Select(i => Segment(Midnight.AddHours(i), Midnight.AddHours(i).AddMinutes(5), job: i, submitted: Midnight.AddHours(i).AddMinutes(-i))).ToList();
        var startedBefore = Segment(Midnight.AddHours(-1), Midnight.AddHours(1), job: 99, submitted: Midnight.AddHours(-5));

        var row = UsageTotalling.Total([.. waits, startedBefore], s => s.Owner, Midnight, Midnight.AddDays(1), Midnight.AddDays(1)).Single();

        row.Jobs.Should().Be(20);
        row.MeanWait.Should().Be(TimeSpan.FromMinutes(10.5));
        row.P95Wait.Should().Be(TimeSpan.FromMinutes(19));
        UsageTotalling.NearestRank([5], 0.95).Should().Be(5);
    }

    [Fact]
    public void Split_parts_always_add_up_to_the_whole_and_a_partition_of_time_loses_nothing()
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(1_000)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(29, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        var cases =
            from startMs in Gen.Choose(0, 10 * 86_400).Select(s => (long)s * 1000 + 17)
            from lengthMs in Gen.Choose(0, 3 * 86_400_000)
            from gpus in Gen.Choose(0, 64)
            from cpu in Gen.Choose(1, 256_000)
            from memoryMiB in Gen.Choose(1, 2_000_000)
            from bucketMinutes in Gen.Elements(1, 15, 60, 360, 1440, 10_080)
            from running in Gen.Elements(false, false, true)
            from cuts in Gen.ArrayOf(Gen.Choose(0, 12 * 86_400))
            select (startMs, lengthMs, gpus, cpu, memoryMiB, bucketMinutes, running, cuts);
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(cases), c =>
        {
            var start = Midnight.AddMilliseconds(c.startMs);
            var end = start.AddMilliseconds(c.lengthMs);
            var segment = Segment(start, c.running ? null : end, c.gpus, c.cpu, c.memoryMiB);
            var now = end;
            var whole = UsageSplit.Whole(segment, now);
            var parts = UsageSplit.ByBucket(segment, TimeSpan.FromMinutes(c.bucketMinutes), now).ToList();
            var bucketsOk = parts.Aggregate(HeldAmount.Zero, (sum, p) => sum + p.Held) == whole
                && parts.All(p => p.BucketStart.ToUnixTimeMilliseconds() % (c.bucketMinutes * 60_000L) == 0)
                && whole.GpuMilliseconds == (long)c.gpus * c.lengthMs;
            var edges = c.cuts.Select(s => Midnight.AddSeconds(s)).Append(Midnight.AddDays(-1)).Append(Midnight.AddDays(20)).Distinct().Order().ToList();
            var partition = HeldAmount.Zero;
            for (var i = 0; i + 1 < edges.Count; i++)
            {
                partition += UsageSplit.Within(segment, edges[i], edges[i + 1], now);
            }

            return bucketsOk && partition == whole;
        }));
    }
}
