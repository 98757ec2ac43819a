using Dashboard.Data.Audit;
using Dashboard.Data.Writing;

namespace Dashboard.Data.Tests.Audit;

public sealed class AuditStoreTests : StoreTest
{
    private readonly AuditStore store;

    public AuditStoreTests()
    {
        store = new AuditStore(Database);
    }

    [Fact]
    public void Entries_read_back_equal_newest_first()
    {
        var first = new AuditEntry(Now, "admin", "quota.set", "team:vision", "{\"gpus\":8}", "{\"gpus\":16}");
        var second = new AuditEntry(Now.AddSeconds(1), "lead", "job.cancel", "job:7", null, null);

        Writer.Write([new AuditAppended(first)]);
        Writer.Write([new AuditAppended(second)]);

        store.Recent().Select(r => r.Entry).Should().Equal(second, first);
        store.Recent(limit: 1).Should().ContainSingle().Which.Entry.Should().Be(second);
        store.Recent().Select(r => r.Id).Should().BeInDescendingOrder();
    }

    [Fact]
    public void Entries_are_found_by_target()
    {
        Writer.Write(
        [
            new AuditAppended(new AuditEntry(Now, "admin", "quota.set", "team:vision", null, "{}")),
            new AuditAppended(new AuditEntry(Now, "admin", "quota.set", "team:audio", null, "{}")),
            new AuditAppended(new AuditEntry(Now, "admin", "node.drain", "team:vision", "{}", "{}")),
        ]);

        store.ForTarget("team:vision").Select(r => r.Entry.Action).Should().Equal("node.drain", "quota.set");
        store.ForTarget("team:nobody").Should().BeEmpty();
    }
}
