using Dashboard.Engine.Inventory;

namespace Dashboard.Engine.Tests;

public class ProcFilesTests
{
    [Fact]
    public void Cpus_are_counted_from_processor_lines()
    {
        const string cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\n\nprocessor\t: 1\nvendor_id\t: GenuineIntel\n";

        ProcFiles.CpuCount(cpuinfo).Should().Be(2);
    }

    [Fact]
    public void Memory_is_read_from_MemTotal_in_MiB()
    {
        const string meminfo = "MemTotal:       24576000 kB\nMemFree:        1000 kB\n";

        ProcFiles.MemTotalMiB(meminfo).Should().Be(24000);
    }

    [Fact]
    public void This_host_reads_as_a_node_with_its_cpus_and_memory()
    {
        ProcFiles.CpuCount(File.ReadAllText("/proc/cpuinfo")).Should().BeGreaterThanOrEqualTo(1);
        ProcFiles.MemTotalMiB(File.ReadAllText("/proc/meminfo")).Should().BeGreaterThan(0);
    }

    [Fact]
    public void Demo_nodes_are_simulated_and_shaped_by_their_options()
    {
        var nodes = LocalHostInventory.DemoNodes(new DemoNodeOptions { Count = 3, GpusPerNode = 4, GpuModel = "L40S", CpuCores = 32, MemoryGiB = 256 }).ToList();

        nodes.Select(n => n.Name).Should().Equal("demo-gpu-01", "demo-gpu-02", "demo-gpu-03");
        nodes.Should().OnlyContain(n => n.Simulated && n.Gpus.Length == 4 && n.CpuMillicores == 32_000 && n.MemoryMiB == 256 * 1024);
        nodes[0].Gpus.Select(g => g.Model).Should().OnlyContain(m => m == "L40S");
    }
}
