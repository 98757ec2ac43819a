using Dashboard.Data.Audit;
using Dashboard.Data.Writing;

namespace Dashboard.Data.Tests.Audit;

public sealed class AuditQueryTests : StoreTest
{
    private readonly AuditStore store;

    public AuditQueryTests()
    {
        store = new AuditStore(Database);
        Writer.Write(
        [
            Entry(0, "alice", "job.submit", "job:1"),
            Entry(1, "bob", "job.cancel", "job:2"),
            Entry(2, "admin", "quota.set", "team:vision"),
            Entry(3, "admin", "user.create", "user:carol"),
            Entry(4, "alice", "jobs.weird", "team:vision_2"),
            Entry(5, "admin", "node.drain", "node:gpu-01"),
            Entry(6, "admin", "user.update", "user:100%"),
        ]);
    }

    [Fact]
    public void No_filter_reads_everything_newest_first_with_the_total()
    {
        var page = store.Query(AuditQuery.All, skip: 0, take: 100);

        page.Total.Should().Be(7);
        page.Records.Select(r => r.Entry.Action).Should().Equal(
            "user.update", "node.drain", "jobs.weird", "user.create", "quota.set", "job.cancel", "job.submit");
    }

    [Fact]
    public void Pages_split_the_matches_and_keep_the_total()
    {
        var first = store.Query(AuditQuery.All, skip: 0, take: 3);
        var second = store.Query(AuditQuery.All, skip: 3, take: 3);
        var last = store.Query(AuditQuery.All, skip: 6, take: 3);
        var beyond = store.Query(AuditQuery.All, skip: 10, take: 3);

        first.Records.Should().HaveCount(3);
        second.Records.Should().HaveCount(3);
        last.Records.Should().ContainSingle().Which.Entry.Action.Should().Be("job.submit");
        beyond.Records.Should().BeEmpty();
        new[] { first, second, last, beyond }.Should().OnlyContain(p => p.Total == 7);
        first.Records.Concat(second.Records).Concat(last.Records).Select(r => r.Id).Should().BeInDescendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Actor_is_exact()
    {
        Actions(new AuditQuery(Actor: "admin")).Should().Equal("user.update", "node.drain", "user.create", "quota.set");
        Actions(new AuditQuery(Actor: "adm")).Should().BeEmpty();
        Actions(new AuditQuery(Actor: "ADMIN")).Should().BeEmpty();
    }

    [Fact]
    public void Action_with_a_trailing_dot_is_a_prefix_and_without_one_matches_itself_and_its_sub_actions()
    {
        Actions(new AuditQuery(Action: "job.")).Should().Equal("job.cancel", "job.submit");
        Actions(new AuditQuery(Action: "job")).Should().Equal("job.cancel", "job.submit");
        Actions(new AuditQuery(Action: "job.cancel")).Should().Equal("job.cancel");
        Actions(new AuditQuery(Action: "job.c")).Should().BeEmpty();
    }

    [Fact]
    public void Target_matches_anywhere_and_wildcards_are_literal()
    {
        Actions(new AuditQuery(Target: "vision")).Should().Equal("jobs.weird", "quota.set");
        Actions(new AuditQuery(Target: "VISION")).Should().Equal("jobs.weird", "quota.set");
        Actions(new AuditQuery(Target: "vision_")).Should().Equal("jobs.weird");
        Actions(new AuditQuery(Target: "n_2")).Should().Equal("jobs.weird");
        Actions(new AuditQuery(Target: "_")).Should().Equal("jobs.weird");
        Actions(new AuditQuery(Target: "%")).Should().Equal("user.update");
        Actions(new AuditQuery(Target: "100%")).Should().Equal("user.update");
        Actions(new AuditQuery(Target: "\\")).Should().BeEmpty();
        Actions(new AuditQuery(Target: "job:' OR 1=1 --")).Should().BeEmpty("values are parameters, never SQL");
    }

    [Fact]
    public void Time_range_is_from_inclusive_to_exclusive()
    {
        Actions(new AuditQuery(From: Now.AddMinutes(2), To: Now.AddMinutes(4))).Should().Equal("user.create", "quota.set");
        Actions(new AuditQuery(From: Now.AddMinutes(6))).Should().Equal("user.update");
        Actions(new AuditQuery(To: Now.AddMinutes(1))).Should().Equal("job.submit");
    }

    [Fact]
    public void Filters_combine_and_the_stream_reads_the_same_entries_in_the_same_order()
    {
        var query = new AuditQuery(Actor: "admin", Action: "user", From: Now.AddMinutes(1));

        Actions(query).Should().Equal("user.update", "user.create");
        store.Query(query, 0, 100).Total.Should().Be(2);
        store.Stream(query).Select(r => r.Entry.Action).Should().Equal("user.update", "user.create");
        store.Stream(AuditQuery.All).Should().HaveCount(7);
    }

    [Fact]
    public void Bad_paging_arguments_are_refused()
    {
        FluentActions.Invoking(() => store.Query(AuditQuery.All, -1, 10)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => store.Query(AuditQuery.All, 0, 0)).Should().Throw<ArgumentOutOfRangeException>();
        store.Query(AuditQuery.All, 0, int.MaxValue).Records.Should().HaveCount(7, "a page is capped, not refused");
    }

    private IEnumerable<string> Actions(AuditQuery query) => store.Query(query, 0, 100).Records.Select(r => r.Entry.Action);

    private AuditAppended Entry(int minute, string actor, string action, string target) =>
        new(new AuditEntry(Now.AddMinutes(minute), actor, action, target, null, null));
}
