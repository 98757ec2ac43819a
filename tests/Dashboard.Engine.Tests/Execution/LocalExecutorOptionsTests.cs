using Dashboard.Engine.Execution;
using Microsoft.Extensions.Configuration;

namespace Dashboard.Engine.Tests.Execution;

public sealed class LocalExecutorOptionsTests
{
    [Fact]
    public void The_disk_limits_are_on_by_default_20_GiB_per_job_and_2_GiB_kept_free_measured_every_5_s()
    {
        var options = new LocalExecutorOptions();

        options.MaxJobDiskBytes.Should().Be(20L * 1024 * 1024 * 1024);
        options.MinFreeDiskBytes.Should().Be(2L * 1024 * 1024 * 1024);
        options.DiskCheckInterval.Should().Be(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void The_shipped_appsettings_json_says_the_same_and_binds()
    {
        var file = Path.Combine(RepositoryRoot(), "appsettings.json");
        var configuration = new ConfigurationBuilder().AddJsonFile(file).Build();

        var bound = configuration.GetSection(LocalExecutorOptions.Section).Get<LocalExecutorOptions>()!;

        bound.MaxJobDiskBytes.Should().Be(new LocalExecutorOptions().MaxJobDiskBytes);
        bound.MinFreeDiskBytes.Should().Be(new LocalExecutorOptions().MinFreeDiskBytes);
        bound.DiskCheckInterval.Should().Be(new LocalExecutorOptions().DiskCheckInterval);
    }

    [Fact]
    public void A_check_interval_that_would_turn_the_measurement_off_or_overflow_its_timer_is_refused_with_the_setting_named()
    {
        new LocalExecutorOptions().DiskSettingErrors().Should().BeEmpty();
        new LocalExecutorOptions { DiskCheckInterval = TimeSpan.Zero }.DiskSettingErrors()
            .Should().ContainSingle().Which.Should().StartWith("Executor:DiskCheckInterval must be more than 0 and at most a day");
        new LocalExecutorOptions { DiskCheckInterval = TimeSpan.FromDays(60) }.DiskSettingErrors().Should().ContainSingle();
        new LocalExecutorOptions { MaxJobDiskBytes = -1, MinFreeDiskBytes = -1 }.DiskSettingErrors()
            .Should().Equal("Executor:MaxJobDiskBytes must be 0 (no limit) or more", "Executor:MinFreeDiskBytes must be 0 (no floor) or more");
        new LocalExecutorOptions { MaxJobDiskBytes = 0, MinFreeDiskBytes = 0, DiskCheckInterval = TimeSpan.Zero }.DiskSettingErrors()
            .Should().BeEmpty("with both limits off the interval does not matter");
    }

    [Fact]
    public void Zero_turns_the_limits_off_in_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Executor:MaxJobDiskBytes"] = "0",
            ["Executor:MinFreeDiskBytes"] = "0",
        }).Build();

        var bound = configuration.GetSection(LocalExecutorOptions.Section).Get<LocalExecutorOptions>()!;

        new DiskLimits(bound.MaxJobDiskBytes, bound.MinFreeDiskBytes).Decide([new JobFolderSize(new(1), long.MaxValue)], freeBytes: 0).Should().BeEmpty();
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("Dashboard.sln not found above " + AppContext.BaseDirectory);
    }
}
