namespace Dashboard.Engine.Inventory;

/// <summary>The "Cluster" section of appsettings.json: which nodes the engine manages.</summary>
public sealed class ClusterOptions
{
    public const string Section = "Cluster";

    public LocalNodeOptions LocalNode { get; set; } = new();

    public DemoNodeOptions DemoNodes { get; set; } = new();

    /// <summary>How often this host's inventory (GPUs above all) is read again; zero turns it off.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>This host as a node: CPUs and memory from /proc, GPUs from nvidia-smi when it is installed.</summary>
public sealed class LocalNodeOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>The node's name; the host name when empty.</summary>
    public string? Name { get; set; }

    /// <summary>Where nvidia-smi is looked for; "nvidia-smi" searches PATH.</summary>
    public string NvidiaSmiPath { get; set; } = "nvidia-smi";
}

/// <summary>Simulated nodes, so a machine without GPUs still shows a living cluster. Labelled "simulated" everywhere.</summary>
public sealed class DemoNodeOptions
{
    public bool Enabled { get; set; } = true;

    public int Count { get; set; } = 4;

    public string NamePrefix { get; set; } = "demo-gpu-";

    public int GpusPerNode { get; set; } = 8;

    public string GpuModel { get; set; } = "A100-80GB";

    public long GpuMemoryMiB { get; set; } = 81920;

    public int CpuCores { get; set; } = 64;

    public int MemoryGiB { get; set; } = 512;
}
