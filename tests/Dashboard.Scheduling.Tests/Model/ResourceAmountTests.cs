using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class ResourceAmountTests
{
    [Fact]
    public void Amounts_add_and_subtract_dimension_by_dimension()
    {
        var a = new ResourceAmount(2, 4000, 1024);
        var b = new ResourceAmount(1, 500, 24);

        (a + b).Should().Be(new ResourceAmount(3, 4500, 1048));
        (a - b).Should().Be(new ResourceAmount(1, 3500, 1000));
        ResourceAmount.Add(a, b).Should().Be(a + b);
        ResourceAmount.Subtract(a, b).Should().Be(a - b);
    }

    [Theory]
    [InlineData(8, 64_000, 512, true)]
    [InlineData(9, 64_000, 512, false)]
    [InlineData(8, 64_001, 512, false)]
    [InlineData(8, 64_000, 513, false)]
    [InlineData(0, 0, 0, true)]
    public void An_amount_fits_only_when_every_dimension_fits(int gpus, long cpu, long memory, bool fits) =>
        new ResourceAmount(gpus, cpu, memory).FitsWithin(new ResourceAmount(8, 64_000, 512)).Should().Be(fits);

    [Fact]
    public void Any_negative_dimension_makes_an_amount_negative()
    {
        ResourceAmount.Zero.IsNegative.Should().BeFalse();
        new ResourceAmount(-1, 0, 0).IsNegative.Should().BeTrue();
        new ResourceAmount(0, -1, 0).IsNegative.Should().BeTrue();
        new ResourceAmount(0, 0, -1).IsNegative.Should().BeTrue();
    }

    [Fact]
    public void An_amount_reads_as_GPUs_cores_and_memory() =>
        new ResourceAmount(2, 1500, 512).ToString().Should().Be("2 GPU, 1.5 CPU, 512 MiB");
}
