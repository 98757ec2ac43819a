using Dashboard.Data.Elastic;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Elastic;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Tests.Elastic;

/// <summary>The elastic pools' scale history in SQLite (db/0005 elastic_scale_actions): written in the batch's transaction, read back in order.</summary>
public sealed class ScaleActionStoreTests : StoreTest
{
    [Fact]
    public void Every_kind_of_action_reads_back_with_its_nodes_reason_actor_and_time_newest_first()
    {
        var kinds = Enum.GetValues<ScaleActionKind>();
        var written = kinds.Select((kind, i) => new ScaleAction(
            Now.AddSeconds(i), "burst", kind, kind is ScaleActionKind.Pause or ScaleActionKind.Resume ? "admin" : "system",
            i % 2 == 0 ? ["burst-1", "burst-2"] : [], $"reason {i}", kind == ScaleActionKind.ProvisionFailed ? Now.AddMinutes(1) : null)).ToList();

        Writer.Write([.. written.Select(a => new ScaleActionRecorded(a))]);

        var read = new ScaleActionStore(Database).ForPool("burst");
        read.Should().HaveCount(kinds.Length);
        read.Should().BeEquivalentTo(Enumerable.Reverse(written), o => o.WithStrictOrdering());
        read.Select(a => a.AuditAction).Should().Contain(["elastic.scale-up", "elastic.provision-attempt-failed", "elastic.release-failed", "elastic.resume"]);
    }

    [Fact]
    public void The_latest_actions_of_each_pool_come_back_oldest_first_for_the_engine_to_replay()
    {
        Writer.Write([.. Enumerable.Range(0, 5).Select(i => new ScaleActionRecorded(Action("burst", i)))]);
        Writer.Write([new ScaleActionRecorded(Action("cloud", 10)), new ScaleActionRecorded(Action("burst", 5))]);

        var latest = new ScaleActionStore(Database).LatestPerPool(3);

        latest.Select(a => (a.Pool, a.Reason)).Should().Equal(("burst", "reason 3"), ("burst", "reason 4"), ("cloud", "reason 10"), ("burst", "reason 5"));
        new ScaleActionStore(Database).ForPool("burst", limit: 2).Select(a => a.Reason).Should().Equal("reason 5", "reason 4");
    }

    [Fact]
    public void An_action_is_part_of_its_batch_a_refused_batch_leaves_no_history()
    {
        var act = () => Writer.Write([new ScaleActionRecorded(Action("burst", 1)), new NodeStateChanged("no-such-node", Scheduling.Model.NodeState.Down, null, Now)]);

        act.Should().Throw<InvalidOperationException>();
        new ScaleActionStore(Database).ForPool("burst").Should().BeEmpty();
    }

    [Fact]
    public void An_unknown_action_is_refused_by_SQLite_itself()
    {
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO elastic_scale_actions (at, pool, action, actor, nodes, reason) VALUES (0, 'burst', 'explode', 'system', '[]', 'x')";

        command.Invoking(c => c.ExecuteNonQuery()).Should().Throw<SqliteException>().WithMessage("*CHECK constraint failed*");
    }

    private ScaleAction Action(string pool, int i) => new(Now.AddSeconds(i), pool, ScaleActionKind.ScaleUp, "system", [$"{pool}-1"], $"reason {i}");
}
