using Dashboard.Data.UsageHistory;
using Dashboard.Web.Usage;

namespace Dashboard.Web.Tests.Usage;

public sealed class UsageSeriesBuilderTests
{
    private static readonly DateTimeOffset From = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Buckets_hold_the_mean_GPUs_over_their_time_in_range_and_subjects_come_largest_first()
    {
        var query = new UsageQuery("custom", From, From.AddMinutes(90), TimeSpan.FromHours(1), UsageGrouping.Team, null);
        UtilisationPoint Point(string team, int minute, long gpus, double? pct = null) =>
            new(team, "", From.AddMinutes(minute), false, gpus, pct is null ? 0 : gpus, pct is { } p ? gpus * p / 100 : 0);

        var series = UsageSeriesBuilder.Build(query, [Point("nlp", 0, 60 * 3), Point("vision", 5, 8, 50), Point("vision", 61, 30 * 4, 25), Point("vision", 200, 99)], 16);

        series.Buckets.Should().Equal(From, From.AddHours(1));
        series.Subjects.Select(s => s.Key).Should().Equal("nlp", "vision");
        series.Subjects[0].Allocated.Should().Equal(3, 0);
        series.Subjects[1].Allocated.Should().Equal(8 / 60.0, 4); // the last bucket has 30 minutes in range
        series.Subjects[1].Used.Should().Equal(4 / 60.0, 1);
        series.Subjects[1].EfficiencyPct.Should().BeApproximately(100.0 * (4 + 30) / 128, 1e-9);
        series.Subjects[0].EfficiencyPct.Should().BeNull();
        series.GpuHours.Should().Be((180 + 8 + 120) / 60.0, "a point outside the range is ignored");
    }
}
