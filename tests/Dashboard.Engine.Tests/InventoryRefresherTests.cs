using Dashboard.Engine.Inventory;
using Dashboard.Engine.Tests.Loop;

namespace Dashboard.Engine.Tests;

/// <summary>The local node read through a stand-in nvidia-smi (a real script run as a real process).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class InventoryRefresherTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-inventory-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task A_GPU_that_disappears_from_nvidia_smi_reaches_the_engine_as_an_inventory_change()
    {
        var gpus = Path.Combine(folder, "gpus.csv");
        var script = Path.Combine(folder, "nvidia-smi");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\ncat {gpus}\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(gpus, "0, NVIDIA H100 80GB HBM3, 81559 MiB, GPU-a\n1, NVIDIA H100 80GB HBM3, 81559 MiB, GPU-b\n", TestContext.Current.CancellationToken);
        var options = new ClusterOptions
        {
            LocalNode = new LocalNodeOptions { Name = "local", NvidiaSmiPath = script },
            DemoNodes = new DemoNodeOptions { Enabled = false },
            RefreshInterval = TimeSpan.FromMinutes(1),
        };
        var discovered = await new LocalHostInventory(options).DiscoverAsync(TestContext.Current.CancellationToken);
        discovered.Should().ContainSingle().Which.Gpus.Select(g => g.Model).Should().Equal("NVIDIA H100 80GB HBM3", "NVIDIA H100 80GB HBM3");
        await using var engine = await EngineHarness.StartAsync(discovered);
        using var refresher = new InventoryRefresher(options, engine.Engine, engine.Loop, engine.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<InventoryRefresher>.Instance);
        await refresher.StartAsync(TestContext.Current.CancellationToken);
        await refresher.Armed.WaitAsync(EngineHarness.Patience, TestContext.Current.CancellationToken);
        engine.Feed.Current!.Summary.GpusTotal.Should().Be(2);

        await File.WriteAllTextAsync(gpus, "0, NVIDIA H100 80GB HBM3, 81559 MiB, GPU-a\n", TestContext.Current.CancellationToken);
        var changed = engine.WaitForAsync(u => u.Summary.GpusTotal == 1);
        engine.Clock.Advance(TimeSpan.FromMinutes(1));
        var update = await changed;

        update.Snapshot.Nodes.Single(n => n.Name == "local").Gpus.Select(g => g.Index).Should().Equal(0);

        await refresher.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task A_failed_nvidia_smi_read_leaves_the_node_as_it_is()
    {
        var script = Path.Combine(folder, "nvidia-smi");
        await File.WriteAllTextAsync(script, "#!/bin/sh\necho 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'\nexit 9\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var inventory = new LocalHostInventory(new ClusterOptions { LocalNode = new LocalNodeOptions { Name = "local", NvidiaSmiPath = script } });

        var node = await inventory.TryDiscoverLocalAsync(TestContext.Current.CancellationToken);

        node.Should().BeNull("a refresh must not report the node's GPUs as gone");
        inventory.Warnings.Should().ContainSingle().Which.Should().Contain("nvidia-smi exited with code 9");
    }
}
