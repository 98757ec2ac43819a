using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Inventory;

/// <summary>
/// Reads the output of <c>nvidia-smi --query-gpu=index,name,memory.total,uuid --format=csv,noheader</c>:
/// one line per physical GPU, e.g. <c>0, NVIDIA A100-SXM4-80GB, 81920 MiB, GPU-5d6a...</c>. Lines that are not
/// GPUs (MIG notes, blank lines) are skipped; a malformed GPU line is an error naming the line, never a crash.
/// </summary>
public static class NvidiaSmiParser
{
    public const string QueryArguments = "--query-gpu=index,name,memory.total,uuid --format=csv,noheader";

    public static NvidiaSmiResult Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var gpus = ImmutableArray.CreateBuilder<DiscoveredGpu>();
        var lineNumber = 0;
        foreach (var rawLine in output.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || !char.IsAsciiDigit(line[0]))
            {
                // Blank lines and notes such as "No devices were found" or MIG headers carry no GPU.
                if (line.StartsWith("No devices", StringComparison.OrdinalIgnoreCase) || line.Length == 0)
                {
                    continue;
                }

                return NvidiaSmiResult.Failure($"line {lineNumber} is not a GPU row: \"{Shorten(line)}\"");
            }

            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length != 4)
            {
                return NvidiaSmiResult.Failure($"line {lineNumber} has {fields.Length} fields, expected 4 (index, name, memory.total, uuid): \"{Shorten(line)}\"");
            }

            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= Node.MaxGpusPerNode)
            {
                return NvidiaSmiResult.Failure($"line {lineNumber}: GPU index \"{Shorten(fields[0])}\" is not a number below {Node.MaxGpusPerNode}");
            }

            if (!TryParseMiB(fields[2], out var memoryMiB))
            {
                return NvidiaSmiResult.Failure($"line {lineNumber}: memory \"{Shorten(fields[2])}\" is not a size in MiB");
            }

            if (fields[1].Length == 0)
            {
                return NvidiaSmiResult.Failure($"line {lineNumber}: the GPU has no name");
            }

            if (gpus.Any(g => g.Index == index))
            {
                return NvidiaSmiResult.Failure($"line {lineNumber}: GPU index {index} appears twice");
            }

            gpus.Add(new DiscoveredGpu(index, fields[1], memoryMiB, fields[3]));
        }

        return NvidiaSmiResult.Success(gpus.ToImmutable());
    }

    private static bool TryParseMiB(string field, out long mib)
    {
        // Some drivers print [N/A] for memory of GPUs in MIG mode; the GPU is still there, its size unknown.
        if (field is "[N/A]" or "[Not Supported]")
        {
            mib = 0;
            return true;
        }

        var number = field.EndsWith("MiB", StringComparison.OrdinalIgnoreCase) ? field[..^3].Trim() : field;
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out mib);
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}

/// <summary>One GPU as nvidia-smi reports it.</summary>
public sealed record DiscoveredGpu(int Index, string Name, long MemoryMiB, string Uuid)
{
    public Gpu ToGpu() => new(Index, Name, MemoryMiB);
}

/// <summary>The GPUs found, or why the output could not be read.</summary>
public sealed record NvidiaSmiResult(ImmutableArray<DiscoveredGpu> Gpus, string? Error)
{
    public bool Succeeded => Error is null;

    public static NvidiaSmiResult Success(ImmutableArray<DiscoveredGpu> gpus) => new(gpus, null);

    public static NvidiaSmiResult Failure(string error) => new([], "nvidia-smi output could not be read: " + error);
}
