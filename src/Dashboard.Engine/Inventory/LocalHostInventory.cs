using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Inventory;

/// <summary>
/// Discovers the nodes the engine manages: this host (CPUs from /proc/cpuinfo, memory from /proc/meminfo, GPUs
/// from nvidia-smi when present) and the configured demo nodes. <paramref name="localNote"/> says how this host's
/// jobs are isolated; when <paramref name="localRunsNoJobs"/>, this host is Down and the note says why.
/// </summary>
public sealed class LocalHostInventory(ClusterOptions options, string? localNote = null, bool localRunsNoJobs = false)
{
    public IReadOnlyList<string> Warnings => warnings;

    private readonly List<string> warnings = [];

    public async Task<IReadOnlyList<Node>> DiscoverAsync(CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nodes = new List<Node>();
        if (options.LocalNode.Enabled)
        {
            nodes.Add(await DiscoverLocalAsync(cancellationToken).ConfigureAwait(false));
        }

        if (options.DemoNodes.Enabled)
        {
            nodes.AddRange(DemoNodes(options.DemoNodes));
        }

        return nodes;
    }

    /// <summary>This host's node name: the configured one, or the host name.</summary>
    public static string LocalNodeName(LocalNodeOptions local)
    {
        ArgumentNullException.ThrowIfNull(local);
        return string.IsNullOrWhiteSpace(local.Name) ? Environment.MachineName : local.Name;
    }

    public static IEnumerable<Node> DemoNodes(DemoNodeOptions demo)
    {
        ArgumentNullException.ThrowIfNull(demo);
        var gpus = Enumerable.Range(0, demo.GpusPerNode).Select(i => new Gpu(i, demo.GpuModel, demo.GpuMemoryMiB)).ToImmutableArray();
        return Enumerable.Range(1, demo.Count).Select(i => new Node(
            $"{demo.NamePrefix}{i:D2}",
            gpus,
            demo.CpuCores * Units.MillicoresPerCore,
            demo.MemoryGiB * Units.MiBPerGiB,
            NodeState.Ready,
            Simulated: true));
    }

    /// <summary>This host as a node; null when nvidia-smi is installed but could not be read (see <see cref="Warnings"/>).</summary>
    public async Task<Node?> TryDiscoverLocalAsync(CancellationToken cancellationToken)
    {
        warnings.Clear();
        var node = await DiscoverLocalAsync(cancellationToken).ConfigureAwait(false);
        return warnings.Count == 0 ? node : null;
    }

    public async Task<Node> DiscoverLocalAsync(CancellationToken cancellationToken)
    {
        var name = LocalNodeName(options.LocalNode);
        // /proc/cpuinfo lists the machine's CPUs; a container may be allowed fewer, which the runtime knows.
        var cpus = ProcFiles.CpuCount(ReadOrEmpty("/proc/cpuinfo")) is > 0 and var counted ? Math.Min(counted, Environment.ProcessorCount) : Environment.ProcessorCount;
        var memoryMiB = ProcFiles.MemTotalMiB(ReadOrEmpty("/proc/meminfo"));
        var gpus = await QueryGpusAsync(cancellationToken).ConfigureAwait(false);
        return new Node(name, [.. gpus.Select(g => g.ToGpu())], cpus * Units.MillicoresPerCore, memoryMiB, localRunsNoJobs ? NodeState.Down : NodeState.Ready, Note: localNote);
    }

    private async Task<IReadOnlyList<DiscoveredGpu>> QueryGpusAsync(CancellationToken cancellationToken)
    {
        string output;
        try
        {
            using var process = Process.Start(new ProcessStartInfo(options.LocalNode.NvidiaSmiPath, NvidiaSmiParser.QueryArguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return [];
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                output = await process.StandardOutput.ReadToEndAsync(timeout.Token).ConfigureAwait(false);
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            if (process.ExitCode != 0)
            {
                warnings.Add($"nvidia-smi exited with code {process.ExitCode}; the local node has no GPUs");
                return [];
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // nvidia-smi is not installed: a CPU-only host.
            return [];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            warnings.Add("nvidia-smi did not answer within 10 s; the local node has no GPUs");
            return [];
        }

        var parsed = NvidiaSmiParser.Parse(output);
        if (!parsed.Succeeded)
        {
            warnings.Add(parsed.Error!);
            return [];
        }

        return parsed.Gpus;
    }

    private static string ReadOrEmpty(string path) => File.Exists(path) ? File.ReadAllText(path) : string.Empty;
}

/// <summary>Parsing of the /proc files inventory reads.</summary>
public static class ProcFiles
{
    public static int CpuCount(string cpuinfo)
    {
        ArgumentNullException.ThrowIfNull(cpuinfo);
        return cpuinfo.Split('\n').Count(line => line.StartsWith("processor", StringComparison.Ordinal) && line.Contains(':', StringComparison.Ordinal));
    }

    public static long MemTotalMiB(string meminfo)
    {
        ArgumentNullException.ThrowIfNull(meminfo);
        foreach (var line in meminfo.Split('\n'))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = line["MemTotal:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length > 0 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var kib))
            {
                return kib / 1024;
            }
        }

        return 0;
    }
}
