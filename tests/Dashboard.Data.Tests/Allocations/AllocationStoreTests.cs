using Dashboard.Data.Allocations;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.Allocations;

public sealed class AllocationStoreTests : StoreTest
{
    private readonly AllocationStore store;

    public AllocationStoreTests()
    {
        store = new AllocationStore(Database);
        Writer.Write([new NodeUpserted(Node("gpu-01"), Now), new NodeUpserted(Node("gpu-02"), Now), new JobSubmitted(Job(1, Now)), new JobSubmitted(Job(2, Now))]);
    }

    [Fact]
    public void An_allocation_reads_back_equal_with_its_exact_gpu_indices()
    {
        var allocation = new GpuAllocation(new JobId(1), "gpu-02", [6, 1, 3], 12_500, 96 * 1024, Now, Now.AddHours(2));

        Writer.Write([new AllocationMade(allocation, Borrowing: true)]);

        var current = store.Current().Should().ContainSingle().Subject;
        current.Allocation.Should().BeEquivalentTo(allocation);
        current.Allocation.GpuIndices.Should().Equal(6, 1, 3);
        current.Borrowing.Should().BeTrue();
        current.ReleasedAt.Should().BeNull();
        store.HeldGpus().Should().Equal(
            new HeldGpu("gpu-02", 1, new JobId(1)), new HeldGpu("gpu-02", 3, new JobId(1)), new HeldGpu("gpu-02", 6, new JobId(1)));
    }

    [Fact]
    public void A_job_without_gpus_holds_cpu_and_memory_only()
    {
        var allocation = new GpuAllocation(new JobId(2), "gpu-01", [], 2_000, 4096, Now, null);

        Writer.Write([new AllocationMade(allocation, Borrowing: false)]);

        store.Current().Should().ContainSingle().Which.Allocation.GpuIndices.Should().BeEmpty();
        store.HeldGpus().Should().BeEmpty();
    }

    [Fact]
    public void A_released_allocation_stays_in_the_history_and_frees_its_gpus()
    {
        var first = Allocation(1, "gpu-01", Now, 0, 1);
        var second = Allocation(1, "gpu-02", Now.AddMinutes(10), 4);
        Writer.Write([new AllocationMade(first, false)]);
        Writer.Write([new AllocationReleased(new JobId(1), Now.AddMinutes(5))]);
        Writer.Write([new AllocationMade(second, false)]);

        var history = store.ForJob(new JobId(1));

        history.Select(h => (h.Attempt, h.Allocation.Node, h.ReleasedAt)).Should().Equal((1, "gpu-01", Now.AddMinutes(5)), (2, "gpu-02", (DateTimeOffset?)null));
        store.Current().Should().ContainSingle().Which.Allocation.Node.Should().Be("gpu-02");
        store.HeldGpus().Should().Equal(new HeldGpu("gpu-02", 4, new JobId(1)));
    }

    [Fact]
    public void The_borrowing_flag_of_a_current_allocation_can_change()
    {
        Writer.Write([new AllocationMade(Allocation(2, "gpu-01", Now, 7), false)]);

        Writer.Write([new BorrowingChanged(new JobId(2), true)]);

        store.Current().Should().ContainSingle().Which.Borrowing.Should().BeTrue();
        var act = () => Writer.Write([new BorrowingChanged(new JobId(1), true)]);
        act.Should().Throw<InvalidOperationException>().WithMessage("Job 1 holds no allocation*");
    }
}
