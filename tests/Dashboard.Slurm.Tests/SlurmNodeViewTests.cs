using Dashboard.Scheduling.Model;
using Dashboard.Slurm.Inventory;
using Dashboard.Slurm.Rest;

namespace Dashboard.Slurm.Tests;

/// <summary>A Slurm node as a dashboard node: capacity from Slurm, less what jobs outside the dashboard hold.</summary>
public sealed class SlurmNodeViewTests
{
    private static readonly SlurmNode Node1 = new("node1", "mixed", [], 8, 16384, "gpu:a100:8", ["dash"], null);

    [Fact]
    public void A_node_gets_its_gpus_from_gres_and_is_labelled_a_slurm_node()
    {
        var node = SlurmNodeView.ToNode(Node1, [], new HashSet<int>());
        node.Gpus.Select(g => (g.Index, g.Model)).Should().Equal(Enumerable.Range(0, 8).Select(i => (i, "a100")));
        node.CpuMillicores.Should().Be(8000);
        node.MemoryMiB.Should().Be(16384);
        node.State.Should().Be(NodeState.Ready);
        node.Simulated.Should().BeFalse();
        node.Note.Should().Be("Slurm node (dash; mixed)");
        SlurmNodeView.IsSlurmNode(node).Should().BeTrue();
    }

    [Fact]
    public void Jobs_outside_the_dashboard_hold_their_gpus_cpus_and_memory_and_say_whose_they_are()
    {
        SlurmJob[] jobs =
        [
            new(12, "x", "RUNNING", "None", 0, "bob", "node1", "dash", ["gpu:a100:2(IDX:0-1)"], "cpu=2,mem=4G", "", null),
            new(13, "ours", "RUNNING", "None", 0, "alice", "node1", "dash", ["gpu:a100:1(IDX:2)"], "cpu=1,mem=1G", "dashboard job 5", null),
            new(14, "ended", "COMPLETED", "None", 0, "bob", "node1", "dash", [], "cpu=1,mem=1G", "", null),
            new(15, "elsewhere", "RUNNING", "None", 0, "bob", "node2", "dash", ["gpu:1(IDX:0)"], "cpu=1,mem=1G", "", null),
            new(16, "completing", "COMPLETING", "None", 0, "bob", "node1", "dash", ["gpu:a100:1(IDX:3)"], "cpu=1,mem=1G", "", null),
        ];
        var outside = SlurmNodeView.OutsideJobsOn("node1", jobs, new HashSet<long> { 13 });
        outside.Should().ContainSingle().Which.Should().BeEquivalentTo(new HeldOutside(12, "bob", [0, 1], 2, 4096));

        var node = SlurmNodeView.ToNode(Node1, outside, new HashSet<int> { 2 });
        node.Gpus.Select(g => g.Index).Should().Equal(2, 3, 4, 5, 6, 7);
        node.CpuMillicores.Should().Be(6000);
        node.MemoryMiB.Should().Be(12288);
        node.Note.Should().Be("Slurm node (dash; mixed); held outside the dashboard: Slurm job 12 (bob): 2 GPUs, 2 CPUs, 4 GiB");
    }

    [Fact]
    public void Where_the_dashboard_believes_it_holds_an_outside_jobs_gpu_another_free_gpu_is_held_back_instead()
    {
        var outside = new HeldOutside(12, "bob", [0], 1, 1024);
        var node = SlurmNodeView.ToNode(Node1, [outside], new HashSet<int> { 0 });
        node.Gpus.Should().HaveCount(7);
        node.Gpus.Select(g => g.Index).Should().Contain(0, "the dashboard's running job keeps its GPU").And.NotContain(1);
    }

    [Fact]
    public void A_job_spanning_two_nodes_holds_on_each_what_its_allocation_says_for_that_node()
    {
        // As slurmrestd 22.05 answers for sbatch -N 2 --gres=gpu:2 -c 2 --mem=1G.
        const string answer = """
            {"jobs": [{"job_id": 21, "job_state": "RUNNING", "user_name": "bob", "nodes": "node[1-2]",
              "gres_detail": ["gpu:a100:2(IDX:0-1)", "gpu:2(IDX:4-5)"], "tres_alloc_str": "cpu=4,mem=2G,node=2,billing=4",
              "job_resources": {"nodes": "node[1-2]", "allocated_nodes": [
                {"sockets": {"0": {"cores": {"0": "allocated"}}, "1": {"cores": {"0": "allocated"}}}, "nodename": "node1", "memory_allocated": 1024},
                {"sockets": {"0": {"cores": {"0": "allocated"}}, "1": {"cores": {"0": "allocated"}}}, "nodename": "node2", "memory_allocated": 1024}]}}]}
            """;
        var jobs = System.Text.Json.JsonSerializer.Deserialize<SlurmJobsResponse>(answer)!.Jobs!;

        SlurmNodeView.OutsideJobsOn("node1", jobs, new HashSet<long>()).Should().ContainSingle().Which.Should().BeEquivalentTo(new HeldOutside(21, "bob", [0, 1], 2, 1024));
        SlurmNodeView.OutsideJobsOn("node2", jobs, new HashSet<long>()).Should().ContainSingle().Which.Should().BeEquivalentTo(new HeldOutside(21, "bob", [4, 5], 2, 1024));
        SlurmNodeView.OutsideJobsOn("node3", jobs, new HashSet<long>()).Should().BeEmpty();
    }
}
