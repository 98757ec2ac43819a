using System.Globalization;

namespace Dashboard.Bench.Scheduling;

/// <summary>One measured figure against its target.</summary>
public sealed record Figure(string Name, string Result, double Value, double Target, bool HigherIsBetter, string TargetText)
{
    public bool Passes => HigherIsBetter ? Value >= Target : Value <= Target;

    public static Figure Latency(string name, Samples samples, double targetP99Ms) =>
        new(name,
            string.Create(CultureInfo.InvariantCulture, $"median {samples.Median:0.000} ms, p99 {samples.P99:0.000} ms (n={samples.Count})"),
            samples.P99,
            targetP99Ms,
            HigherIsBetter: false,
            string.Create(CultureInfo.InvariantCulture, $"p99 <= {targetP99Ms:0.###} ms"));

    public static Figure Throughput(string name, double perSecond, string detail, double target) =>
        new(name,
            string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0} placements/s ({detail})"),
            perSecond,
            target,
            HigherIsBetter: true,
            string.Create(CultureInfo.InvariantCulture, $">= {target:N0}/s"));
}

public static class FigureTable
{
    public static void Write(TextWriter output, IReadOnlyList<Figure> figures)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(figures);
        var nameWidth = figures.Max(f => f.Name.Length);
        var resultWidth = figures.Max(f => f.Result.Length);
        var targetWidth = figures.Max(f => f.TargetText.Length);
        output.WriteLine($"{"figure".PadRight(nameWidth)} | {"result".PadRight(resultWidth)} | {"target".PadRight(targetWidth)} | verdict");
        output.WriteLine($"{new string('-', nameWidth)}-+-{new string('-', resultWidth)}-+-{new string('-', targetWidth)}-+--------");
        foreach (var figure in figures)
        {
            output.WriteLine($"{figure.Name.PadRight(nameWidth)} | {figure.Result.PadRight(resultWidth)} | {figure.TargetText.PadRight(targetWidth)} | {(figure.Passes ? "PASS" : "MISS")}");
        }
    }
}
