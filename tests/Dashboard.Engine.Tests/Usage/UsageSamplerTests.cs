using Dashboard.Data.Usage;
using Dashboard.Data.UsageHistory;
using Dashboard.Engine.Tests.Loop;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Engine.Tests.Usage;

/// <summary>The sampler against a real engine and database: it reads the published snapshot and writes history through its store.</summary>
public sealed class UsageSamplerTests
{
    [Fact]
    public async Task Samples_the_running_jobs_and_a_cancelled_job_counts_until_its_release_in_samples_and_job_records()
    {
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("demo-1")]);
        var store = new UsageHistoryStore(engine.Database);
        var options = new UsageOptions();
        var sampler = new UsageSampler(engine.Feed, store, new NoGpuReadings(), options, engine.Clock, NullLogger<UsageSampler>.Instance);
        var start = engine.Clock.GetUtcNow();
        var job = await engine.SubmitAsync(EngineHarness.Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        await engine.WaitForStateAsync(job, JobState.Running);

        var first = await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        first!.Teams.Should().ContainSingle().Which.Should().Match<UtilisationSample>(s => s.Subject == "vision" && s.Gpus == 2 && s.Simulated && s.GpuUtilisationPct != null);
        for (var i = 0; i < 3; i++)
        {
            engine.Clock.Advance(TimeSpan.FromMinutes(1));
            await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        }

        engine.Clock.Advance(TimeSpan.FromSeconds(30));
        (await engine.Engine.CancelAsync(job, "alice")).Succeeded.Should().BeTrue();
        await engine.WaitForStateAsync(job, JobState.Cancelled);
        var cancelledAt = engine.Clock.GetUtcNow();
        engine.Clock.Advance(TimeSpan.FromMinutes(1));
        (await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken))!.Teams.Should().BeEmpty("the job let its GPUs go");

        var points = store.Points(new UtilisationFilter(true, ["vision"], "alice"), start.AddHours(-1), start.AddHours(1), TimeSpan.FromMinutes(15));
        points.Sum(p => p.GpuMinutes).Should().Be(2 * 4, "four minutes sampled while it held 2 GPUs");
        var segment = store.Segments(new JobFilter(["vision"]), start, cancelledAt.AddHours(1)).Should().ContainSingle().Subject;
        segment.End.Should().Be(cancelledAt);
        var recorded = new UsageStore(engine.Database).ForJob(job)!;
        UsageSplit.Whole(segment, cancelledAt).GpuSeconds.Should().BeApproximately(recorded.GpuSeconds, 0.001, "the history and the job's usage record agree");
        recorded.GpuSeconds.Should().BeApproximately(2 * (cancelledAt - segment.Start).TotalSeconds, 0.001);

        // The minute's sample also rolled the released allocation into the job-day roll-ups: nothing is left queued,
        // and the table's job columns over whole days (read from the roll-up) are the job's.
        using (var connection = engine.Database.OpenConnection())
        using (var queued = connection.CreateCommand())
        {
            queued.CommandText = "SELECT COUNT(*) FROM job_days_pending";
            ((long)queued.ExecuteScalar()!).Should().Be(0);
        }

        var day = UsageSplit.AlignDown(start, TimeSpan.FromDays(1));
        var totals = store.JobTotals(new JobFilter(["vision"]), false, day.AddDays(-1), day.AddDays(2), engine.Clock.GetUtcNow(), (team, _) => team).Should().ContainSingle().Subject;
        totals.Held.Should().Be(UsageSplit.Whole(segment, cancelledAt));
        totals.Jobs.Should().Be(1);
    }

    [Fact]
    public async Task A_longer_interval_fills_every_minute_and_a_completed_hour_is_rolled_up()
    {
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("demo-1")]);
        var store = new UsageHistoryStore(engine.Database);
        var sampler = new UsageSampler(engine.Feed, store, new NoGpuReadings(), new UsageOptions { SampleInterval = TimeSpan.FromMinutes(5) }, engine.Clock, NullLogger<UsageSampler>.Instance);
        var job = await engine.SubmitAsync(EngineHarness.Spec(gpus: 1, walltime: TimeSpan.FromHours(4)));
        await engine.WaitForStateAsync(job, JobState.Running);
        var hour = UsageSplit.AlignDown(engine.Clock.GetUtcNow(), TimeSpan.FromHours(1));

        await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
        await sampler.SampleAsync(engine.Clock.GetUtcNow().AddMinutes(5), TestContext.Current.CancellationToken);
        await sampler.SampleAsync(hour.AddHours(1).AddMinutes(1), TestContext.Current.CancellationToken);

        // The second sample stands for the five minutes since the first; the third is too late to fill a gap.
        store.Points(new UtilisationFilter(false, null), hour, hour.AddHours(2), TimeSpan.FromMinutes(1)).Select(p => p.Start).Order()
            .Should().Equal([.. Enumerable.Range(0, 6).Select(m => hour.AddMinutes(m)), hour.AddHours(1).AddMinutes(1)]);
        store.Progress().HoursUntil.Should().Be(hour.AddHours(1));
        store.Points(new UtilisationFilter(false, null), hour, hour.AddHours(1), TimeSpan.FromHours(1)).Should().ContainSingle()
            .Which.GpuMinutes.Should().Be(6, "the hour row replaces its six minutes");
    }
}
