using Dashboard.Data.UsageHistory;
using Dashboard.Engine.Tests.Loop;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dashboard.Engine.Tests.Usage;

/// <summary>Per-job GPU samples: the sampler writes one row per job GPU per minute beside the team samples, on a fake clock and a real database file.</summary>
public sealed class JobUtilisationSamplingTests
{
    [Fact]
    public async Task Each_minute_stores_one_simulated_reading_per_job_gpu_until_the_job_lets_its_gpus_go()
    {
        await using var engine = await EngineHarness.StartAsync([EngineHarness.SimulatedNode("demo-1")]);
        var store = new UsageHistoryStore(engine.Database);
        var sampler = new UsageSampler(engine.Feed, store, new NoGpuReadings(), new UsageOptions(), engine.Clock, NullLogger<UsageSampler>.Instance);
        var job = await engine.SubmitAsync(EngineHarness.Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        await engine.WaitForStateAsync(job, JobState.Running);
        var first = UsageSplit.AlignDown(engine.Clock.GetUtcNow(), TimeSpan.FromMinutes(1));

        for (var i = 0; i < 3; i++)
        {
            await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);
            engine.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        (await engine.Engine.CancelAsync(job, "alice")).Succeeded.Should().BeTrue();
        await engine.WaitForStateAsync(job, JobState.Cancelled);
        await sampler.SampleAsync(engine.Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        var samples = store.JobUtilisation(job.Value);
        samples.Select(s => (s.Minute, s.GpuIndex)).Should().Equal(
            Enumerable.Range(0, 3).SelectMany(m => new[] { (first.AddMinutes(m), 0), (first.AddMinutes(m), 1) }),
            "two GPUs for three minutes, nothing after the cancel");
        samples.Should().OnlyContain(s => s.Simulated && s.UtilisationPct >= 0 && s.UtilisationPct <= 100
            && s.MemoryTotalMiB > 0 && s.MemoryUsedMiB <= s.MemoryTotalMiB);
        store.JobUtilisation(job.Value + 1000).Should().BeEmpty();
    }
}
