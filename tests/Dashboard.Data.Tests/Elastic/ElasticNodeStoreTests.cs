using Dashboard.Data.Elastic;
using Dashboard.Data.Nodes;
using Dashboard.Data.Recovery;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Tests.Elastic;

/// <summary>
/// Elastic nodes in SQLite (db/0005): their pool and the lifecycle states the nodes table's CHECK does not know, nodes
/// handed back (kept for history, no longer nodes), and which pools an admin paused.
/// </summary>
public sealed class ElasticNodeStoreTests : StoreTest
{
    private static Node Elastic(string name, NodeState state) =>
        new(name, [new Gpu(0, "A100", 81920), new Gpu(1, "A100", 81920)], 64_000, 512 * 1024, state, Simulated: true, Pool: "burst");

    [Theory]
    [InlineData(NodeState.Provisioning, "Down")]
    [InlineData(NodeState.Releasing, "Draining")]
    [InlineData(NodeState.Failed, "Down")]
    [InlineData(NodeState.Ready, "Ready")]
    public void An_elastic_node_reads_back_with_its_pool_and_state_while_the_nodes_table_keeps_a_state_it_knows(NodeState state, string stored)
    {
        Writer.Write([new NodeUpserted(Elastic("burst-1", state), Now), new NodeStateChanged("burst-1", state, "why", Now)]);

        var record = new NodeStore(Database).Find("burst-1")!;
        record.Node.Should().BeEquivalentTo(Elastic("burst-1", state));
        record.StateReason.Should().Be("why");
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT state FROM nodes WHERE name = 'burst-1'";
        command.ExecuteScalar().Should().Be(stored);
    }

    [Fact]
    public void A_state_change_moves_an_elastic_node_through_its_lifecycle()
    {
        Writer.Write([new NodeUpserted(Elastic("burst-1", NodeState.Provisioning), Now)]);
        Writer.Write([new NodeUpserted(Elastic("burst-1", NodeState.Ready), Now)]);
        Writer.Write([new NodeStateChanged("burst-1", NodeState.Releasing, "idle for 5 min", Now)]);

        new NodeStore(Database).Find("burst-1")!.Node.State.Should().Be(NodeState.Releasing);

        Writer.Write([new NodeStateChanged("burst-1", NodeState.Failed, "handing back failed", Now)]);
        new NodeStore(Database).Find("burst-1")!.Node.State.Should().Be(NodeState.Failed);
    }

    [Fact]
    public void A_node_handed_back_is_no_longer_a_node_but_its_row_stays_for_the_history_of_jobs_that_ran_on_it()
    {
        Writer.Write([new NodeUpserted(Elastic("burst-1", NodeState.Releasing), Now), new NodeUpserted(Elastic("burst-2", NodeState.Ready), Now)]);

        Writer.Write([new NodeReleased("burst-1", "handed back to pool burst", Now)]);

        new NodeStore(Database).All().Select(n => n.Node.Name).Should().Equal("burst-2");
        ClusterRecovery.Load(Database, SchedulerSettings.Default).Snapshot.Nodes.Select(n => n.Name).Should().Equal("burst-2");
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM nodes WHERE name = 'burst-1'";
        command.ExecuteScalar().Should().Be(1L);

        Writer.Write([new NodeUpserted(Elastic("burst-1", NodeState.Provisioning), Now)]);
        new NodeStore(Database).Find("burst-1")!.Node.State.Should().Be(NodeState.Provisioning, "a later node of the same name is a new node");
    }

    [Fact]
    public void Handing_back_a_node_of_no_pool_is_refused_and_the_whole_batch_is_undone()
    {
        Writer.Write([new NodeUpserted(new Node("fixed", [], 8_000, 1024), Now)]);

        var act = () => Writer.Write([new NodeStateChanged("fixed", NodeState.Draining, null, Now), new NodeReleased("fixed", null, Now)]);

        act.Should().Throw<InvalidOperationException>().WithMessage("fixed is not a node of an elastic pool.");
        new NodeStore(Database).Find("fixed")!.Node.State.Should().Be(NodeState.Ready);
    }

    [Fact]
    public void A_node_that_leaves_its_pool_forgets_it()
    {
        Writer.Write([new NodeUpserted(Elastic("burst-1", NodeState.Ready), Now)]);
        Writer.Write([new NodeUpserted(Elastic("burst-1", NodeState.Ready) with { Pool = null }, Now)]);

        new NodeStore(Database).Find("burst-1")!.Node.Pool.Should().BeNull();
    }

    [Fact]
    public void Paused_pools_are_remembered()
    {
        Writer.Write([new ElasticPoolPaused("burst", true, Now), new ElasticPoolPaused("spare", true, Now)]);
        Writer.Write([new ElasticPoolPaused("spare", false, Now)]);

        new ElasticPoolStore(Database).Paused().Should().BeEquivalentTo(["burst"]);
    }

    [Fact]
    public void An_unknown_lifecycle_is_refused_by_SQLite_itself()
    {
        Writer.Write([new NodeUpserted(Elastic("burst-1", NodeState.Ready), Now)]);
        using var connection = Database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE elastic_nodes SET lifecycle = 'Exploded' WHERE node = 'burst-1'";

        command.Invoking(c => c.ExecuteNonQuery()).Should().Throw<SqliteException>().WithMessage("*CHECK constraint failed*");
    }
}
