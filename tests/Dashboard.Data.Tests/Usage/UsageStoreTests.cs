using Dashboard.Data.Usage;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Usage;

public sealed class UsageStoreTests : StoreTest
{
    private readonly UsageStore store;

    public UsageStoreTests()
    {
        store = new UsageStore(Database);
    }

    [Fact]
    public void Team_usage_reads_back_equal_and_is_replaced_by_a_newer_value()
    {
        Writer.Write([new TeamUsageSet(new TeamUsage("vision", 3600.5, 7200.25, Now)), new TeamUsageSet(new TeamUsage("audio", 1, 2, Now))]);
        Writer.Write([new TeamUsageSet(new TeamUsage("vision", 4000, 8000, Now.AddMinutes(1)))]);

        store.TeamUsage().Should().Equal(new TeamUsage("audio", 1, 2, Now), new TeamUsage("vision", 4000, 8000, Now.AddMinutes(1)));
    }

    [Fact]
    public void Job_usage_reads_back_equal_and_later_totals_replace_earlier_ones()
    {
        var id = new JobId(1);
        Writer.Write([new JobSubmitted(Job(1, Now)), new JobUsageRecorded(new JobUsage(id, 12, 60, 120, 240, 983040, Now))]);
        var later = new JobUsage(id, 12, 90, 180, 360, 1474560, Now.AddSeconds(30));

        Writer.Write([new JobUsageRecorded(later)]);

        store.ForJob(id).Should().Be(later);
        store.ForJob(new JobId(2)).Should().BeNull();
    }

    [Fact]
    public void Team_and_user_samples_read_back_by_minute_range_with_real_and_simulated_apart()
    {
        var minute = Now;
        var real = new UtilisationSample("vision", minute, 4, 16_000, 65536, 87.5, 40960, Simulated: false);
        var simulated = new UtilisationSample("vision", minute, 8, 32_000, 131072, null, null, Simulated: true);
        var next = new UtilisationSample("vision", minute.AddMinutes(1), 2, 8_000, 32768, 12, 2048, Simulated: false);
        var user = new UtilisationSample("ada", minute, 1, 4_000, 16384, 99, 80000, Simulated: false);
        Writer.Write([new TeamUtilisationSampled(real), new TeamUtilisationSampled(simulated), new TeamUtilisationSampled(next), new UserUtilisationSampled(user)]);
        var corrected = real with { Gpus = 5 };

        Writer.Write([new TeamUtilisationSampled(corrected)]);

        store.TeamSamples("vision", minute, minute.AddMinutes(2)).Should().Equal(corrected, simulated, next);
        store.TeamSamples("vision", minute.AddMinutes(1), minute.AddMinutes(2)).Should().Equal(next);
        store.UserSamples("ada", minute, minute.AddMinutes(1)).Should().Equal(user);
        store.UserSamples("vision", minute, minute.AddMinutes(1)).Should().BeEmpty();
    }
}
