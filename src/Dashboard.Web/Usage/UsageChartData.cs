using Dashboard.Web.Usage;
using MudBlazor;
using MudBlazor.Charts;

namespace Dashboard.Web.Usage;

/// <summary>
/// The usage series as MudBlazor time-series charts: the GPUs-allocated chart stacks the subjects (each area is the
/// running total up to that subject, drawn from the top down so each band shows) with the cluster's capacity as a
/// line; the efficiency chart shows all GPUs allocated against those actually busy, and the GPUs reserved but idle
/// when the range has reserved time.
/// </summary>
public sealed class UsageChartData
{
    /// <summary>The most subjects drawn separately; the rest are added up as "others".</summary>
    public const int MaxStacked = 10;

    public const string CapacityName = "Cluster capacity";
    public const string AllocatedName = "GPUs allocated";
    public const string UsedName = "GPUs busy (used)";
    public const string ReservedIdleName = "GPUs reserved, idle";

    private static readonly int[] Multiples = [1, 2, 5, 10];

    private UsageChartData(List<ChartSeries<double>> stacked, TimeSeriesChartOptions stackedOptions, List<ChartSeries<double>> efficiency, TimeSeriesChartOptions efficiencyOptions, IReadOnlyList<string> stackOrder)
    {
        Stacked = stacked;
        StackedOptions = stackedOptions;
        Efficiency = efficiency;
        EfficiencyOptions = efficiencyOptions;
        StackOrder = stackOrder;
    }

    public List<ChartSeries<double>> Stacked { get; }

    public TimeSeriesChartOptions StackedOptions { get; }

    public List<ChartSeries<double>> Efficiency { get; }

    public TimeSeriesChartOptions EfficiencyOptions { get; }

    /// <summary>The stacked subjects' labels from the bottom band up.</summary>
    public IReadOnlyList<string> StackOrder { get; }

    public static UsageChartData Of(UsageSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var times = series.Buckets.Select(b => b.UtcDateTime).ToArray();
        var bands = series.Subjects.Take(MaxStacked).Select(s => (s.Label, Values: s.Allocated)).ToList();
        if (series.Subjects.Count > MaxStacked)
        {
            var others = new double[times.Length];
            foreach (var subject in series.Subjects.Skip(MaxStacked))
            {
                for (var i = 0; i < others.Length; i++)
                {
                    others[i] += subject.Allocated[i];
                }
            }

            bands.Add(($"{series.Subjects.Count - MaxStacked} others", others));
        }

        var running = new double[times.Length];
        var cumulative = new List<ChartSeries<double>>();
        foreach (var (label, values) in bands)
        {
            for (var i = 0; i < running.Length; i++)
            {
                running[i] += values[i];
            }

            cumulative.Add(Series(label, times, running));
        }

        // Drawn last to first would hide the smaller totals: the largest total goes first, the bottom band last.
        cumulative.Reverse();
        var capacity = Series(CapacityName, times, [.. times.Select(_ => (double)series.CapacityGpus)]);
        var stacked = new List<ChartSeries<double>>(cumulative) { capacity };
        var top = Math.Max(series.CapacityGpus, running.DefaultIfEmpty(0).Max());
        var stackedOptions = Options(series, "GPUs allocated", top);
        stackedOptions.SeriesDisplayOverrides[capacity] = new SeriesDisplayOverride { LineDisplayType = LineDisplayType.Line };

        var allocated = new double[times.Length];
        var used = new double[times.Length];
        foreach (var subject in series.Subjects)
        {
            for (var i = 0; i < times.Length; i++)
            {
                allocated[i] += subject.Allocated[i];
                used[i] += subject.Used[i];
            }
        }

        var usedSeries = Series(UsedName, times, used);
        var efficiency = new List<ChartSeries<double>> { Series(AllocatedName, times, allocated), usedSeries };
        var efficiencyOptions = Options(series, "GPUs", Math.Max(series.CapacityGpus, allocated.DefaultIfEmpty(0).Max()));
        efficiencyOptions.SeriesDisplayOverrides[usedSeries] = new SeriesDisplayOverride { LineDisplayType = LineDisplayType.Line };
        if (series.Reserved is { Any: true } reserved)
        {
            // Booked and not used: a line of its own beside what was allocated and what was busy.
            var idleSeries = Series(ReservedIdleName, times, reserved.Idle);
            efficiency.Add(idleSeries);
            efficiencyOptions.SeriesDisplayOverrides[idleSeries] = new SeriesDisplayOverride { LineDisplayType = LineDisplayType.Line };
        }
        return new UsageChartData(stacked, stackedOptions, efficiency, efficiencyOptions, [.. bands.Select(b => b.Label)]);
    }

    private static ChartSeries<double> Series(string name, DateTime[] times, double[] values) =>
        new() { Name = name, Data = times.Select((t, i) => (t, Math.Round(values[i], 3))).ToList() };

    /// <summary>A round step (1, 2 or 5 times a power of ten) giving about five grid lines up to <paramref name="top"/>.</summary>
    public static int TickStep(double top)
    {
        var raw = Math.Max(1, top / 5);
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = Multiples.Select(m => m * power).First(s => s >= raw);
        return (int)Math.Max(1, step);
    }

    private static TimeSeriesChartOptions Options(UsageSeries series, string yTitle, double top)
    {
        var span = series.Query.To - series.Query.From;
        return new TimeSeriesChartOptions
        {
            LineDisplayType = LineDisplayType.Area,
            // Straight segments: a spline overshoots between buckets and would show more GPUs than were held.
            InterpolationOption = InterpolationOption.Straight,
            ShowDataMarkers = false,
            YAxisTitle = yTitle,
            YAxisTicks = TickStep(top),
            YAxisRequireZeroPoint = true,
            YAxisSuggestedMax = series.CapacityGpus > 0 ? series.CapacityGpus : null,
            TimeLabelFormat = span <= TimeSpan.FromDays(2) ? "HH:mm" : "MM-dd",
            TimeLabelSpacing = span <= TimeSpan.FromDays(2) ? TimeSpan.FromHours(3) : span <= TimeSpan.FromDays(8) ? TimeSpan.FromDays(1) : TimeSpan.FromDays(Math.Max(1, Math.Round(span.TotalDays / 10))),
            TimeLabelSpacingRounding = true,
            TooltipTimeLabelFormat = "yyyy-MM-dd HH:mm",
            SeriesDisplayOverrides = new Dictionary<IChartSeries, SeriesDisplayOverride>(),
        };
    }
}
