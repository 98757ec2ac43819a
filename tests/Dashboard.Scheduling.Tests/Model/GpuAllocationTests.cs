using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Tests.Builders;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class GpuAllocationTests
{
    [Theory]
    [InlineData(new int[0], "no GPU")]
    [InlineData(new[] { 3 }, "GPU 3")]
    [InlineData(new[] { 4, 5 }, "GPUs 4-5")]
    [InlineData(new[] { 0, 3 }, "GPUs 0, 3")]
    [InlineData(new[] { 0, 1, 2, 3, 4, 5, 6, 7 }, "GPUs 0-7")]
    [InlineData(new[] { 7, 5, 0, 2, 1 }, "GPUs 0-2, 5, 7")]
    [InlineData(new[] { 1, 2, 4, 6, 7 }, "GPUs 1-2, 4, 6-7")]
    public void GPU_indices_are_written_as_ranges(int[] indices, string expected) =>
        GpuIndexRanges.Describe(indices).Should().Be(expected);

    [Fact]
    public void An_allocation_is_described_by_node_and_GPUs()
    {
        Allocation("gpu-02", 4, 5).Describe().Should().Be("gpu-02 (GPUs 4-5)");
        Allocation("gpu-02", 0, 3).Describe().Should().Be("gpu-02 (GPUs 0, 3)");
        Allocation("cpu-01").Describe().Should().Be("cpu-01 (no GPU)");
    }

    [Fact]
    public void An_allocation_amounts_to_its_GPU_count_CPU_and_memory() =>
        Allocation("n1", 2, 3, 6).Amount.Should().Be(new ResourceAmount(3, 4000, 2048));

    private static GpuAllocation Allocation(string node, params int[] gpus) =>
        new(new JobId(1), node, [.. gpus], 4000, 2048, Time.Now, null);
}
