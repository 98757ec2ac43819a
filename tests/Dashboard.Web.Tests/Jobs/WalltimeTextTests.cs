using Dashboard.Web.Jobs;

namespace Dashboard.Web.Tests.Jobs;

public sealed class WalltimeTextTests
{
    [Theory]
    [InlineData("2h30m", 150)]
    [InlineData("2h 30m", 150)]
    [InlineData("90m", 90)]
    [InlineData("1d 12h", 2160)]
    [InlineData("1.5h", 90)]
    [InlineData("1:30", 90)]
    [InlineData(" 45M ", 45)]
    public void Reads_the_durations_people_type(string text, int minutes)
    {
        WalltimeText.TryParse(text, out var walltime).Should().BeTrue();
        walltime.Should().Be(TimeSpan.FromMinutes(minutes));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void Empty_means_no_walltime(string? text)
    {
        WalltimeText.TryParse(text, out var walltime).Should().BeTrue();
        walltime.Should().BeNull();
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("2")]
    [InlineData("2h2h")]
    [InlineData("h")]
    [InlineData("1:75")]
    [InlineData("2x")]
    [InlineData("2h and 3m")]
    public void Anything_else_does_not_read(string text) =>
        WalltimeText.TryParse(text, out _).Should().BeFalse();

    [Theory]
    [InlineData(150, "2h30m")]
    [InlineData(45, "45m")]
    [InlineData(2160, "1d12h")]
    public void Formats_what_it_reads_back(int minutes, string text)
    {
        WalltimeText.Format(TimeSpan.FromMinutes(minutes)).Should().Be(text);
        WalltimeText.TryParse(text, out var back).Should().BeTrue();
        back.Should().Be(TimeSpan.FromMinutes(minutes));
        WalltimeText.Format(null).Should().BeEmpty();
    }
}
