using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Elastic;

/// <summary>One entry of the "ElasticPools" section of appsettings.json: a pool, its node shape, its limits and its provider.</summary>
public sealed partial class ElasticPoolOptions
{
    public const string Section = "ElasticPools";

    public const string SimulatedProvider = "simulated";

    public const string CommandProvider = "command";

    public string Name { get; set; } = string.Empty;

    public int Gpus { get; set; }

    public string GpuModel { get; set; } = string.Empty;

    public long GpuMemoryMiB { get; set; }

    public int CpuCores { get; set; }

    public int MemoryGiB { get; set; }

    public int MinNodes { get; set; }

    public int MaxNodes { get; set; }

    /// <summary>"simulated" (demo nodes after <see cref="ProvisioningTime"/>) or "command" (runs <see cref="Command"/>).</summary>
    public string Provider { get; set; } = SimulatedProvider;

    public CommandProviderOptions Command { get; set; } = new();

    /// <summary>Pending demand must last this long before nodes are asked for.</summary>
    public TimeSpan ScaleUpDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A node idle this long is handed back.</summary>
    public TimeSpan ScaleDownCooldown { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a new node takes: the simulated provider's delay; for a command, the expectation behind estimated starts.</summary>
    public TimeSpan ProvisioningTime { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Attempts per provider call (the first included) before the nodes are marked Failed.</summary>
    public int Attempts { get; set; } = 3;

    /// <summary>The wait before the second attempt; it doubles for each further attempt.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After a failed scale-up the pool waits this long (doubling with each failure in a row, at most 32 times) before asking again.</summary>
    public TimeSpan FailureBackoff { get; set; } = TimeSpan.FromMinutes(1);

    public bool IsSimulated => string.Equals(Provider, SimulatedProvider, StringComparison.OrdinalIgnoreCase);

    public ElasticPool ToPool(bool paused = false) => new(
        Name,
        new ElasticNodeShape(Gpus, GpuModel, GpuMemoryMiB, (long)CpuCores * Units.MillicoresPerCore, (long)MemoryGiB * Units.MiBPerGiB),
        MinNodes,
        MaxNodes,
        ScaleUpDelay,
        ScaleDownCooldown,
        ProvisioningTime,
        paused);

    /// <summary>Every problem of the configured pools, each naming its pool and setting; empty when all are usable.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyList<ElasticPoolOptions> pools)
    {
        ArgumentNullException.ThrowIfNull(pools);
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < pools.Count; i++)
        {
            var pool = pools[i];
            var at = string.IsNullOrWhiteSpace(pool.Name) ? $"ElasticPools:{i}" : $"ElasticPools:{i} ({pool.Name})";
            void Error(string message) => errors.Add($"{at}: {message}");

            if (string.IsNullOrWhiteSpace(pool.Name))
            {
                Error("Name is required");
            }
            else if (!NamePattern().IsMatch(pool.Name))
            {
                Error($"Name '{pool.Name}' may hold only letters, digits, '-' and '_' (at most 40), as it starts each node's name");
            }
            else if (!names.Add(pool.Name))
            {
                Error($"Name '{pool.Name}' is used by two pools");
            }

            if (pool.Gpus is < 0 or > Node.MaxGpusPerNode)
            {
                Error(string.Create(CultureInfo.InvariantCulture, $"Gpus must be between 0 and {Node.MaxGpusPerNode}"));
            }

            if (pool.Gpus > 0 && string.IsNullOrWhiteSpace(pool.GpuModel))
            {
                Error("GpuModel is required when the nodes have GPUs");
            }

            if (pool.Gpus > 0 && pool.GpuMemoryMiB <= 0)
            {
                Error("GpuMemoryMiB must be positive when the nodes have GPUs");
            }

            if (pool.CpuCores <= 0)
            {
                Error("CpuCores must be positive");
            }

            if (pool.MemoryGiB <= 0)
            {
                Error("MemoryGiB must be positive");
            }

            if (pool.MinNodes < 0 || pool.MaxNodes < pool.MinNodes || pool.MaxNodes > 1000)
            {
                Error("MinNodes and MaxNodes must satisfy 0 <= MinNodes <= MaxNodes <= 1000");
            }

            if (pool.ScaleUpDelay < TimeSpan.Zero || pool.ScaleDownCooldown < TimeSpan.Zero || pool.ProvisioningTime < TimeSpan.Zero)
            {
                Error("ScaleUpDelay, ScaleDownCooldown and ProvisioningTime must not be negative");
            }

            if (pool.Attempts is < 1 or > 10)
            {
                Error("Attempts must be between 1 and 10");
            }

            if (pool.RetryBackoff < TimeSpan.Zero || pool.FailureBackoff < TimeSpan.Zero)
            {
                Error("RetryBackoff and FailureBackoff must not be negative");
            }

            if (string.Equals(pool.Provider, CommandProvider, StringComparison.OrdinalIgnoreCase))
            {
                if (string.IsNullOrWhiteSpace(pool.Command.Executable))
                {
                    Error("Command:Executable is required for the command provider");
                }
                else if (Path.IsPathRooted(pool.Command.Executable) && !File.Exists(pool.Command.Executable))
                {
                    Error($"Command:Executable '{pool.Command.Executable}' does not exist");
                }

                if (pool.Command.Timeout <= TimeSpan.Zero)
                {
                    Error("Command:Timeout must be positive");
                }
            }
            else if (!pool.IsSimulated)
            {
                Error($"Provider '{pool.Provider}' is not known; use '{SimulatedProvider}' or '{CommandProvider}'");
            }
        }

        return errors;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,40}$")]
    private static partial Regex NamePattern();
}

/// <summary>How the command provider runs its executable.</summary>
public sealed class CommandProviderOptions
{
    /// <summary>The program to run; a relative path is resolved against the repository's top level.</summary>
    public string Executable { get; set; } = string.Empty;

    public List<string> Arguments { get; set; } = [];

    /// <summary>One attempt's limit; the process is killed when it runs longer.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);
}
