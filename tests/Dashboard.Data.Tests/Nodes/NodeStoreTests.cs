using Dashboard.Data.Nodes;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Nodes;

public sealed class NodeStoreTests : StoreTest
{
    private readonly NodeStore store;

    public NodeStoreTests()
    {
        store = new NodeStore(Database);
    }

    [Fact]
    public void Nodes_read_back_equal_in_ordinal_name_order_with_their_gpus()
    {
        var mixed = new Node("gpu-b", [new Gpu(0, "A100", 81920), new Gpu(1, "H100", 97871)], 32_000, 256 * 1024, NodeState.Ready, Simulated: true);
        var cpuOnly = new Node("cpu-a", [], 128_000, 1024 * 1024);

        Writer.Write([new NodeUpserted(mixed, Now), new NodeUpserted(cpuOnly, Now)]);

        var nodes = store.All();
        nodes.Select(n => n.Node.Name).Should().Equal("cpu-a", "gpu-b");
        nodes[1].Node.Should().BeEquivalentTo(mixed);
        nodes[0].Node.Should().BeEquivalentTo(cpuOnly);
        nodes[1].UpdatedAt.Should().Be(Now);
    }

    [Fact]
    public void An_upsert_replaces_the_gpu_list()
    {
        Writer.Write([new NodeUpserted(Node("gpu-01", gpus: 8), Now)]);

        Writer.Write([new NodeUpserted(Node("gpu-01", gpus: 4, model: "H100"), Now.AddMinutes(1))]);

        var node = store.Find("gpu-01")!;
        node.Node.Gpus.Should().HaveCount(4).And.OnlyContain(g => g.Model == "H100");
        node.UpdatedAt.Should().Be(Now.AddMinutes(1));
    }

    [Fact]
    public void A_state_change_keeps_its_reason_until_the_state_changes_again()
    {
        Writer.Write([new NodeUpserted(Node("gpu-01"), Now)]);
        Writer.Write([new NodeStateChanged("gpu-01", NodeState.Draining, "fan replacement", Now)]);

        Writer.Write([new NodeUpserted(Node("gpu-01", state: NodeState.Draining), Now)]);
        store.Find("gpu-01")!.StateReason.Should().Be("fan replacement");
        store.Find("gpu-01")!.Node.State.Should().Be(NodeState.Draining);

        Writer.Write([new NodeUpserted(Node("gpu-01", state: NodeState.Ready), Now)]);
        store.Find("gpu-01")!.StateReason.Should().BeNull();
    }

    [Fact]
    public void A_state_change_of_an_unknown_node_is_refused()
    {
        var act = () => Writer.Write([new NodeStateChanged("ghost", NodeState.Down, null, Now)]);

        act.Should().Throw<InvalidOperationException>().WithMessage("There is no node named ghost.");
    }
}
