using System.Globalization;

namespace Dashboard.Slurm.Inventory;

/// <summary>GPUs of one model in a node's gres; <see cref="Model"/> is empty for untyped gres (<c>gpu:8</c>).</summary>
public sealed record GresGpus(string Model, int Count);

/// <summary>
/// Reads Slurm's gres and TRES strings: a node's <c>gpu:a100:8</c>, <c>gpu:8</c>, <c>gpu:a100:4(S:0),gpu:v100:4(S:1)</c>;
/// a job's bound GPUs <c>gpu:a100:2(IDX:0-1)</c>, <c>gpu:3(IDX:0,4-5)</c>; its TRES <c>cpu=2,mem=1G,gres/gpu=2</c>.
/// </summary>
public static class GresText
{
    /// <summary>The GPUs a node's gres string names, in order (other gres such as mps are left out).</summary>
    public static IReadOnlyList<GresGpus> Gpus(string? gres)
    {
        var found = new List<GresGpus>();
        foreach (var entry in SplitEntries(gres))
        {
            var plain = entry.Split('(')[0];
            var parts = plain.Split(':');
            if (parts.Length < 2 || parts[0] != "gpu")
            {
                continue;
            }

            // gpu:8, gpu:a100:8; a count may carry a unit suffix (gpu:a100:1K is never a GPU count, but parse it plainly).
            var model = parts.Length >= 3 ? parts[1] : string.Empty;
            if (int.TryParse(parts[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
            {
                found.Add(new GresGpus(model, count));
            }
        }

        return found;
    }

    /// <summary>The GPU indices a job's gres detail says Slurm bound (<c>IDX:0-1,4</c>); empty when there are none.</summary>
    public static IReadOnlyList<int> BoundIndices(IEnumerable<string>? gresDetail)
    {
        var indices = new SortedSet<int>();
        foreach (var detail in gresDetail ?? [])
        {
            foreach (var entry in SplitEntries(detail))
            {
                if (!entry.StartsWith("gpu", StringComparison.Ordinal))
                {
                    continue;
                }

                var at = entry.IndexOf("IDX:", StringComparison.Ordinal);
                if (at < 0)
                {
                    continue;
                }

                var end = entry.IndexOf(')', at);
                var list = entry[(at + 4)..(end < 0 ? entry.Length : end)];
                foreach (var range in list.Split(','))
                {
                    var bounds = range.Split('-');
                    if (int.TryParse(bounds[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first))
                    {
                        var last = bounds.Length == 2 && int.TryParse(bounds[1], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : first;
                        for (var i = first; i <= last && i - first < 1024; i++)
                        {
                            indices.Add(i);
                        }
                    }
                }
            }
        }

        return [.. indices];
    }

    /// <summary>CPUs and memory (MiB) of a TRES string such as <c>cpu=2,mem=1G,node=1,billing=2</c>.</summary>
    public static (int Cpus, long MemoryMiB) CpuAndMemory(string? tres)
    {
        var cpus = 0;
        var memory = 0L;
        foreach (var pair in (tres ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                continue;
            }

            var (key, value) = (pair[..equals], pair[(equals + 1)..]);
            if (key == "cpu" && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                cpus = c;
            }
            else if (key == "mem")
            {
                memory = MemoryMiB(value);
            }
        }

        return (cpus, memory);
    }

    private static long MemoryMiB(string value)
    {
        if (value.Length == 0)
        {
            return 0;
        }

        var unit = char.ToUpperInvariant(value[^1]);
        var number = char.IsAsciiLetter(unit) ? value[..^1] : value;
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            return 0;
        }

        var factor = unit switch { 'K' => 1m / 1024, 'G' => 1024m, 'T' => 1024m * 1024, 'P' => 1024m * 1024 * 1024, _ => 1m };
        return (long)Math.Ceiling(amount * factor);
    }

    /// <summary>Splits on the commas between entries, not those inside parentheses (<c>IDX:0,3</c>).</summary>
    private static IEnumerable<string> SplitEntries(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text == "(null)" || text == "N/A")
        {
            yield break;
        }

        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i].Trim();
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..].Trim();
    }
}
