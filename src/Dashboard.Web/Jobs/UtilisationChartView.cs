using System.Globalization;
using Dashboard.Data.UsageHistory;

namespace Dashboard.Web.Jobs;

/// <summary>One GPU's line on the utilisation chart: SVG polyline points (x 0-600 over the job's sampled minutes, y 0-100 inverted).</summary>
public sealed record UtilisationLine(int GpuIndex, string Points, string Colour);

/// <summary>
/// What the "GPU utilisation over time" chart draws from a job's per-minute samples: one line per GPU, a one-sentence
/// summary for screen readers, and whether the readings are simulated (a demo node).
/// </summary>
public sealed record UtilisationChartView(IReadOnlyList<UtilisationLine> Lines, IReadOnlyList<JobUtilisationSample> Samples, string Summary, bool Simulated)
{
    public const double Width = 600;
    public const double Height = 100;

    private static readonly string[] Colours = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

    public static UtilisationChartView? Of(IReadOnlyList<JobUtilisationSample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Count == 0)
        {
            return null;
        }

        var first = samples.Min(s => s.Minute);
        var last = samples.Max(s => s.Minute);
        var span = Math.Max(1, (last - first).TotalMinutes);
        var lines = samples.GroupBy(s => s.GpuIndex).OrderBy(g => g.Key).Select((gpu, i) => new UtilisationLine(
            gpu.Key,
            string.Join(' ', gpu.OrderBy(s => s.Minute).Select(s => string.Create(CultureInfo.InvariantCulture,
                $"{Math.Round((s.Minute - first).TotalMinutes / span * Width, 1)},{Math.Round(Height - s.UtilisationPct, 1)}"))),
            Colours[i % Colours.Length])).ToList();
        var simulated = samples.Any(s => s.Simulated);
        var mean = samples.Average(s => s.UtilisationPct);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"GPU utilisation of {lines.Count} GPU{(lines.Count == 1 ? "" : "s")} over {samples.Select(s => s.Minute).Distinct().Count()} sampled minute(s): mean {mean:0.#} %, highest {samples.Max(s => s.UtilisationPct):0.#} %{(simulated ? "; simulated (demo node)" : "")}.");
        return new UtilisationChartView(lines, samples, summary, simulated);
    }
}
