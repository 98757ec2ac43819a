using Dashboard.Scheduling.Model;
using Dashboard.Slurm.Inventory;

namespace Dashboard.Slurm.Tests;

/// <summary>Slurm's gres and TRES strings and node states, as slurmrestd v0.0.38 writes them.</summary>
public sealed class SlurmTextTests
{
    [Fact]
    public void Typed_gres_gives_gpus_of_that_model_and_untyped_gres_gives_unnamed_gpus()
    {
        GresText.Gpus("gpu:a100:8").Should().Equal(new GresGpus("a100", 8));
        GresText.Gpus("gpu:8").Should().Equal(new GresGpus(string.Empty, 8));
        GresText.Gpus("gpu:a100:4(S:0),gpu:v100:2(S:1),mps:100").Should().Equal(new GresGpus("a100", 4), new GresGpus("v100", 2));
        GresText.Gpus("(null)").Should().BeEmpty();
        GresText.Gpus(null).Should().BeEmpty();
        GresText.Gpus("mps:200").Should().BeEmpty();
    }

    [Fact]
    public void Bound_gpu_indices_are_read_from_a_jobs_gres_detail()
    {
        GresText.BoundIndices(["gpu:a100:2(IDX:0-1)"]).Should().Equal(0, 1);
        GresText.BoundIndices(["gpu:3(IDX:0,4-5)"]).Should().Equal(0, 4, 5);
        GresText.BoundIndices(["gpu(IDX:N/A)"]).Should().BeEmpty();
        GresText.BoundIndices([]).Should().BeEmpty();
    }

    [Fact]
    public void Cpus_and_memory_are_read_from_a_tres_string_in_mebibytes()
    {
        GresText.CpuAndMemory("cpu=2,mem=1G,node=1,billing=2").Should().Be((2, 1024L));
        GresText.CpuAndMemory("cpu=4,mem=512M,gres/gpu=2").Should().Be((4, 512L));
        GresText.CpuAndMemory("cpu=1,mem=1.5T").Should().Be((1, 1572864L));
        GresText.CpuAndMemory(null).Should().Be((0, 0L));
    }

    [Theory]
    [InlineData("idle", "", NodeState.Ready)]
    [InlineData("mixed", "", NodeState.Ready)]
    [InlineData("allocated", "COMPLETING", NodeState.Ready)]
    [InlineData("idle", "DRAIN", NodeState.Draining)]
    [InlineData("mixed", "DRAIN", NodeState.Draining)]
    [InlineData("down", "", NodeState.Down)]
    [InlineData("idle", "NOT_RESPONDING", NodeState.Down)]
    [InlineData("down", "DRAIN", NodeState.Down)]
    [InlineData("fail", "", NodeState.Down)]
    [InlineData("idle", "POWERED_DOWN", NodeState.Down)]
    [InlineData("unknown", "", NodeState.Down)]
    public void Slurm_node_states_map_to_ready_draining_or_down(string state, string flags, NodeState expected) =>
        SlurmNodeStates.Of(state, flags.Length == 0 ? [] : flags.Split(',')).Should().Be(expected);
}
