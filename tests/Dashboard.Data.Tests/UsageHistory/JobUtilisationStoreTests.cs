using Dashboard.Data.UsageHistory;
using Dashboard.Scheduling.Accounting;

namespace Dashboard.Data.Tests.UsageHistory;

/// <summary>job_utilisation_samples on a real SQLite file: written with the minute's samples, read per job, kept like the minute samples.</summary>
public sealed class JobUtilisationStoreTests : StoreTest
{
    private readonly UsageHistoryStore store;
    private readonly DateTimeOffset hour;

    public JobUtilisationStoreTests()
    {
        store = new UsageHistoryStore(Database);
        hour = UsageSplit.AlignDown(Now, TimeSpan.FromHours(1));
    }

    private static MinuteSamples Minute(params JobUtilisationSample[] jobs) => new([], [], jobs);

    [Fact]
    public void A_jobs_readings_come_back_in_time_and_gpu_order_and_other_jobs_stay_apart()
    {
        store.WriteSamples(
        [
            Minute(new JobUtilisationSample(7, hour.AddMinutes(1), 1, 40, 1000, 81920, false), new(7, hour.AddMinutes(1), 0, 90.5, 2000, 81920, false)),
            Minute(new JobUtilisationSample(7, hour, 0, 10, 500, 81920, false), new(8, hour, 0, 55, 10, 24576, true)),
        ]);

        store.JobUtilisation(7).Select(s => (s.Minute, s.GpuIndex, s.UtilisationPct, s.MemoryUsedMiB)).Should().Equal(
            (hour, 0, 10.0, 500L), (hour.AddMinutes(1), 0, 90.5, 2000L), (hour.AddMinutes(1), 1, 40.0, 1000L));
        store.JobUtilisation(8).Should().ContainSingle().Which.Should().Be(new JobUtilisationSample(8, hour, 0, 55, 10, 24576, true));
        store.JobUtilisation(9).Should().BeEmpty();
    }

    [Fact]
    public void The_same_minute_written_again_replaces_its_reading()
    {
        store.WriteSamples(Minute(new JobUtilisationSample(7, hour, 0, 10, 500, 81920, false)));
        store.WriteSamples(Minute(new JobUtilisationSample(7, hour, 0, 60, 900, 81920, false)));

        store.JobUtilisation(7).Should().ContainSingle().Which.UtilisationPct.Should().Be(60);
    }

    [Fact]
    public void Retention_deletes_job_readings_with_the_minute_samples_once_their_hour_is_rolled_up()
    {
        var old = hour.AddDays(-10);
        store.WriteSamples([Minute(new JobUtilisationSample(7, old, 0, 10, 500, 81920, false)), Minute(new JobUtilisationSample(7, hour.AddMinutes(-5), 0, 20, 600, 81920, false))]);
        store.RollUp(hour);

        store.ApplyRetention(hour, new UsageRetention(TimeSpan.FromDays(8), TimeSpan.FromDays(100), null));

        store.JobUtilisation(7).Select(s => s.Minute).Should().Equal(hour.AddMinutes(-5));
    }
}
