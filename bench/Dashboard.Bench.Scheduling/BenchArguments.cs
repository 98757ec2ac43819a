using System.Globalization;

namespace Dashboard.Bench.Scheduling;

/// <summary>The benchmarks' command-line options (<c>--samples 100</c>), shared by the harnesses that link this file.</summary>
public static class BenchArguments
{
    /// <summary>The positive whole number after <paramref name="name"/>, or <paramref name="fallback"/> when it is absent or not one.</summary>
    public static int PositiveInt(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
    }

    /// <summary>The text after <paramref name="name"/>, or null when it is absent.</summary>
    public static string? Text(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
