using Dashboard.Data.Quotas;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Quotas;

public sealed class QuotaStoreTests : StoreTest
{
    private readonly QuotaStore store;

    public QuotaStoreTests()
    {
        store = new QuotaStore(Database);
    }

    [Fact]
    public void Quotas_read_back_equal_in_team_order()
    {
        var vision = new TeamQuota("vision", new ResourceAmount(8, 64_000, 512 * 1024), new ResourceAmount(4, 8_000, 64 * 1024), 2.5, 100);
        var audio = Quota("audio");

        Writer.Write([new QuotaSet(vision, Now), new QuotaSet(audio, Now)]);

        store.All().Should().Equal(audio, vision);
    }

    [Fact]
    public void Setting_a_quota_again_replaces_it()
    {
        Writer.Write([new QuotaSet(Quota("vision", gpus: 8), Now)]);

        Writer.Write([new QuotaSet(Quota("vision", gpus: 16, borrowGpus: 2), Now.AddDays(1))]);

        store.All().Should().Equal(Quota("vision", gpus: 16, borrowGpus: 2));
        store.Find("vision")!.Ceiling.Gpus.Should().Be(18);
        store.Find("nobody").Should().BeNull();
    }
}
