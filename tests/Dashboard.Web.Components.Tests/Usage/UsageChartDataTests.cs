using Dashboard.Web.Usage;
using MudBlazor;

namespace Dashboard.Web.Components.Tests.Usage;

public sealed class UsageChartDataTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Subjects_are_stacked_as_running_totals_drawn_largest_first_with_capacity_as_a_line()
    {
        var query = new UsageQuery("custom", From, From.AddHours(2), TimeSpan.FromHours(1), UsageGrouping.Team, null);
        var series = new UsageSeries(query, [From, From.AddHours(1)],
        [
            new SubjectSeries("nlp", "nlp", null, [3, 1], [1, 1], 240, 240, 120, false),
            new SubjectSeries("vision", "vision", null, [1, 2], [0.5, 1], 180, 180, 90, false),
        ], 8);

        var charts = UsageChartData.Of(series);

        charts.Stacked.Select(s => s.Name).Should().Equal("vision", "nlp", UsageChartData.CapacityName);
        Values(charts.Stacked[0]).Should().Equal(4, 3);
        Values(charts.Stacked[1]).Should().Equal(3, 1);
        Values(charts.Stacked[2]).Should().Equal(8, 8);
        charts.StackOrder.Should().Equal("nlp", "vision");
        charts.StackedOptions.SeriesDisplayOverrides[charts.Stacked[2]].LineDisplayType.Should().Be(LineDisplayType.Line);
        charts.StackedOptions.InterpolationOption.Should().Be(InterpolationOption.Straight);
        Values(charts.Efficiency[0]).Should().Equal(4, 3);
        Values(charts.Efficiency[1]).Should().Equal(1.5, 2);
    }

    [Theory]
    [InlineData(8, 2)]
    [InlineData(32, 10)]
    [InlineData(3, 1)]
    [InlineData(400, 100)]
    public void Grid_steps_are_round(double top, int step) => UsageChartData.TickStep(top).Should().Be(step);

    private static double[] Values(ChartSeries<double> series) => [.. series.Data.Points.Select(p => p.Y)];
}
