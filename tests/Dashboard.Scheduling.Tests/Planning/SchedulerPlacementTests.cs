using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;
using static Dashboard.Scheduling.Tests.Builders.ClusterBuilder;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>Step 4: best fit among Ready nodes, then the tightest run of adjacent GPU indices.</summary>
public sealed class SchedulerPlacementTests
{
    [Fact]
    public void The_node_with_the_least_free_GPUs_that_fit_is_chosen()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Node("n2", gpus: 4)
            .Node("n3", gpus: 4)
            .Team("a", nominalGpus: 32)
            .Running(8, "a", "n2", [0, 1])
            .Running(9, "a", "n3", [0, 1, 2])
            .Pending(1, "a", gpus: 2)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("n2");
        plan.StartOf(1).Allocation.GpuIndices.Should().Equal(2, 3);
    }

    [Fact]
    public void Among_equal_free_GPUs_the_node_with_the_least_free_CPU_is_chosen()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8, cpuCores: 32)
            .Node("n2", gpus: 8, cpuCores: 64)
            .Node("n3", gpus: 8, cpuCores: 64)
            .Team("a", nominalGpus: 32)
            .Running(9, "a", "n2", [], cpuCores: 40)
            .Pending(1, "a", gpus: 1)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("n2");
    }

    [Fact]
    public void Among_equal_free_GPUs_and_CPU_the_node_with_the_least_free_memory_is_chosen()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8, memoryGiB: 512)
            .Node("n2", gpus: 8, memoryGiB: 256)
            .Node("n3", gpus: 8, memoryGiB: 1024)
            .Team("a", nominalGpus: 32)
            .Pending(1, "a", gpus: 1)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("n2");
    }

    [Fact]
    public void Among_equal_nodes_the_lowest_name_in_ordinal_order_is_chosen()
    {
        var plan = Cluster()
            .Node("n2", gpus: 8)
            .Node("n10", gpus: 8)
            .Node("N9", gpus: 8)
            .Team("a", nominalGpus: 32)
            .Pending(1, "a", gpus: 1)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("N9");
    }

    [Theory]
    [InlineData(NodeState.Draining)]
    [InlineData(NodeState.Down)]
    public void Nothing_is_placed_on_a_node_that_is_not_Ready(NodeState state)
    {
        var plan = Cluster()
            .Node("n1", gpus: 8, state: state)
            .Node("n2", gpus: 8)
            .Team("a", nominalGpus: 32)
            .Running(9, "a", "n2", [0, 1, 2, 3, 4, 5, 6, 7])
            .Pending(1, "a", gpus: 1)
            .Plan();

        plan.Starts.Should().BeEmpty();
        plan.ExplanationOf(1).Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }

    [Fact]
    public void A_node_without_enough_free_CPU_is_passed_over_even_with_free_GPUs()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4, cpuCores: 16)
            .Node("n2", gpus: 8, cpuCores: 64)
            .Team("a", nominalGpus: 32)
            .Running(9, "a", "n1", [0], cpuCores: 10)
            .Pending(1, "a", gpus: 1, cpuCores: 8)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("n2");
    }

    [Fact]
    public void A_node_without_enough_free_memory_is_passed_over_even_with_free_GPUs()
    {
        var plan = Cluster()
            .Node("n1", gpus: 4, memoryGiB: 128)
            .Node("n2", gpus: 8, memoryGiB: 512)
            .Team("a", nominalGpus: 32)
            .Running(9, "a", "n1", [0], memoryGiB: 100)
            .Pending(1, "a", gpus: 1, memoryGiB: 64)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("n2");
    }

    [Fact]
    public void A_requested_GPU_model_is_matched_without_regard_to_case()
    {
        var plan = Cluster()
            .Node("n1", gpus: 2, model: "H100")
            .Node("n2", gpus: 8, model: "A100")
            .Team("a", nominalGpus: 32)
            .Pending(1, "a", gpus: 2, model: "a100")
            .Pending(2, "a", gpus: 2)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("n2");
        plan.StartOf(2).Allocation.Node.Should().Be("n1");
    }

    [Fact]
    public void A_GPU_model_that_is_busy_everywhere_waits_though_other_models_are_free()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8, model: "H100")
            .Node("n2", gpus: 2, model: "A100")
            .Team("a", nominalGpus: 32)
            .Running(9, "a", "n2", [0, 1])
            .Pending(1, "a", gpus: 1, model: "A100")
            .Plan();

        plan.Starts.Should().BeEmpty();
        plan.ExplanationOf(1).Reason.Describe().Should().StartWith("needs 1 A100 GPU on one node; no node has that much free now");
    }

    [Theory]
    [InlineData(new[] { 2, 5, 6, 7 }, 1, new[] { 0 })]
    [InlineData(new[] { 3, 5, 7 }, 1, new[] { 4 })]
    [InlineData(new[] { 3, 5, 7 }, 2, new[] { 0, 1 })]
    [InlineData(new[] { 3, 5, 7 }, 3, new[] { 0, 1, 2 })]
    [InlineData(new[] { 0, 3, 4 }, 2, new[] { 1, 2 })]
    [InlineData(new[] { 0, 3, 4 }, 3, new[] { 5, 6, 7 })]
    [InlineData(new[] { 0, 3, 4 }, 4, new[] { 1, 2, 5, 6 })]
    [InlineData(new int[0], 8, new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    public void GPUs_come_from_the_shortest_run_of_adjacent_free_indices_that_holds_the_job(int[] busy, int gpus, int[] expected)
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 32)
            .Running(9, "a", "n1", busy)
            .Pending(1, "a", gpus: gpus)
            .Plan();

        plan.StartOf(1).Allocation.GpuIndices.Should().Equal(expected);
    }

    [Theory]
    [InlineData(new int[0], 2, new[] { 4, 5 })]
    [InlineData(new[] { 5 }, 2, new[] { 6, 7 })]
    [InlineData(new[] { 5 }, 1, new[] { 4 })]
    [InlineData(new[] { 4, 6 }, 2, new[] { 5, 7 })]
    public void On_a_mixed_node_only_GPUs_of_the_requested_model_are_chosen(int[] busy, int gpus, int[] expected)
    {
        var plan = Cluster()
            .MixedNode("mix", ["A100", "A100", "A100", "A100", "H100", "H100", "H100", "H100"])
            .Team("a", nominalGpus: 32)
            .Running(9, "a", "mix", busy)
            .Pending(1, "a", gpus: gpus, model: "H100")
            .Plan();

        plan.StartOf(1).Allocation.GpuIndices.Should().Equal(expected);
    }

    [Fact]
    public void The_allocation_holds_the_request_from_now_until_the_walltime_ends()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 32)
            .Pending(1, "a", gpus: 2, cpuCores: 6.5, memoryGiB: 48, walltime: TimeSpan.FromHours(3))
            .Plan();

        var start = plan.StartOf(1);
        start.Job.Id.Should().Be(Jobs.Id(1));
        start.Allocation.Should().BeEquivalentTo(new
        {
            Job = Jobs.Id(1),
            Node = "n1",
            CpuMillicores = 6500L,
            MemoryMiB = 48L * 1024,
            Start = Time.Now,
            ExpectedEnd = (DateTimeOffset?)Time.InHours(3),
        });
    }

    [Fact]
    public void A_job_without_walltime_has_no_expected_end() =>
        Cluster().Node("n1", gpus: 8).Team("a", nominalGpus: 8).Pending(1, "a").Plan().StartOf(1).Allocation.ExpectedEnd.Should().BeNull();

    [Fact]
    public void Jobs_started_in_one_plan_never_share_GPUs()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8)
            .Team("a", nominalGpus: 32)
            .Pending(1, "a", gpus: 4)
            .Pending(2, "a", gpus: 3)
            .Pending(3, "a", gpus: 1)
            .Pending(4, "a", gpus: 1)
            .Plan();

        plan.Starts.Select(s => s.Allocation.GpuIndices.ToArray()).Should().BeEquivalentTo(
            [new[] { 0, 1, 2, 3 }, new[] { 4, 5, 6 }, new[] { 7 }], o => o.WithStrictOrdering());
        plan.ExplanationOf(4).Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }

    [Fact]
    public void A_CPU_only_job_goes_where_the_fewest_GPUs_are_free()
    {
        var plan = Cluster()
            .Node("gpu1", gpus: 8, cpuCores: 64)
            .Node("cpu1", gpus: 0, cpuCores: 128)
            .Team("a", nominalGpus: 32)
            .Pending(1, "a", gpus: 0, cpuCores: 16)
            .Plan();

        plan.StartOf(1).Allocation.Node.Should().Be("cpu1");
        plan.StartOf(1).Allocation.GpuIndices.Should().BeEmpty();
    }

    [Fact]
    public void CPU_taken_earlier_in_the_plan_is_not_offered_again()
    {
        var plan = Cluster()
            .Node("n1", gpus: 8, cpuCores: 16)
            .Team("a", nominalGpus: 32)
            .Pending(1, "a", gpus: 1, cpuCores: 10)
            .Pending(2, "a", gpus: 1, cpuCores: 10)
            .Settings(backfillDepth: 0)
            .Plan();

        plan.StartedIds().Should().Equal(1);
        plan.ExplanationOf(2).Reason.Cause.Should().Be(PendingCause.WaitingForCapacity);
    }
}
