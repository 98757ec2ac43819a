using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Tests.Model;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(8000, "8")]
    [InlineData(1500, "1.5")]
    [InlineData(250, "0.25")]
    [InlineData(1, "0.001")]
    [InlineData(0, "0")]
    public void Cores_are_whole_or_up_to_three_decimals(long millicores, string expected) =>
        Units.Cores(millicores).Should().Be(expected);

    [Theory]
    [InlineData(32 * 1024, "32 GiB")]
    [InlineData(512, "512 MiB")]
    [InlineData(1536, "1536 MiB")]
    public void Memory_is_in_GiB_when_whole_otherwise_MiB(long mib, string expected) =>
        Units.Memory(mib).Should().Be(expected);
}
