using Dashboard.Engine.Inventory;

namespace Dashboard.Engine.Tests;

public class NvidiaSmiParserTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", name));

    [Fact]
    public void One_GPU_is_read_with_its_index_model_memory_and_uuid()
    {
        var result = NvidiaSmiParser.Parse(Fixture("nvidia-smi-one-gpu.csv"));

        result.Succeeded.Should().BeTrue();
        result.Gpus.Should().ContainSingle().Which.Should().Be(
            new DiscoveredGpu(0, "NVIDIA A100-SXM4-80GB", 81920, "GPU-6f2c1d9e-3a4b-4c8d-9e0f-1a2b3c4d5e6f"));
    }

    [Fact]
    public void Eight_GPUs_are_read_in_index_order()
    {
        var result = NvidiaSmiParser.Parse(Fixture("nvidia-smi-eight-gpus.csv"));

        result.Gpus.Select(g => g.Index).Should().Equal(0, 1, 2, 3, 4, 5, 6, 7);
        result.Gpus.Should().OnlyContain(g => g.Name == "NVIDIA H100 80GB HBM3" && g.MemoryMiB == 81559 && g.Uuid.StartsWith("GPU-"));
    }

    [Fact]
    public void GPUs_in_MIG_mode_are_listed_as_whole_physical_GPUs()
    {
        var result = NvidiaSmiParser.Parse(Fixture("nvidia-smi-mig-enabled.csv"));

        result.Gpus.Should().HaveCount(2);
        result.Gpus.Should().OnlyContain(g => g.Name == "NVIDIA A100-SXM4-40GB" && g.MemoryMiB == 40960);
    }

    [Fact]
    public void Memory_reported_as_not_available_is_read_as_unknown_size()
    {
        var result = NvidiaSmiParser.Parse("0, NVIDIA A100-SXM4-40GB, [N/A], GPU-0fd630f1-f29d-0da9-953f-48f1a09f76b5\n");

        result.Succeeded.Should().BeTrue();
        result.Gpus.Single().MemoryMiB.Should().Be(0);
    }

    [Fact]
    public void The_driver_error_message_is_a_clear_error_not_a_crash()
    {
        var result = NvidiaSmiParser.Parse(Fixture("nvidia-smi-garbage.txt"));

        result.Succeeded.Should().BeFalse();
        result.Gpus.Should().BeEmpty();
        result.Error.Should().StartWith("nvidia-smi output could not be read: line 1 is not a GPU row");
    }

    [Theory]
    [InlineData("0, A100, 81920 MiB", "has 3 fields, expected 4")]
    [InlineData("x, A100, 81920 MiB, GPU-1", "is not a GPU row")]
    [InlineData("0, A100, lots, GPU-1", "memory \"lots\" is not a size in MiB")]
    [InlineData("0, , 81920 MiB, GPU-1", "the GPU has no name")]
    [InlineData("0, A100, 1 MiB, GPU-1\n0, A100, 1 MiB, GPU-2", "GPU index 0 appears twice")]
    [InlineData("99, A100, 1 MiB, GPU-1", "is not a number below 64")]
    public void Malformed_rows_name_the_problem(string output, string expected)
    {
        var result = NvidiaSmiParser.Parse(output);

        result.Succeeded.Should().BeFalse();
        result.Error.Should().Contain(expected);
    }

    [Fact]
    public void No_output_means_no_GPUs()
    {
        NvidiaSmiParser.Parse(string.Empty).Gpus.Should().BeEmpty();
        NvidiaSmiParser.Parse("No devices were found\n").Succeeded.Should().BeTrue();
    }
}
