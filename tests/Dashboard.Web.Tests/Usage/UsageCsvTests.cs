using Dashboard.Web.Usage;

namespace Dashboard.Web.Tests.Usage;

public sealed class UsageCsvTests
{
    private static readonly UsageQuery Query = new("custom", new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 1, 2, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(1), UsageGrouping.User, null);

    [Fact]
    public void The_table_is_RFC_4180_with_names_escaped_and_formulas_defused()
    {
        var table = new UsageTable(Query,
        [
            new UsageTableRow("k1", "vision", "=cmd|' /C calc'!A0", 12.5, 100, 800, 3, 4.25, 9, 61.23456, true) { ReservedGpuHours = 8, ReservedIdleGpuHours = 2.5 },
            new UsageTableRow("k2", "team, \"quoted\"", "bob", 0, 0, 0, 0, null, null, null, false),
        ]);

        UsageCsv.Table(table).Should().Be(
            UsageCsv.TableHeader + "\r\n"
            + "vision,'=cmd|' /C calc'!A0,12.5,100,800,3,4.25,9,61.2346,true,8,2.5\r\n"
            + "\"team, \"\"quoted\"\"\",bob,0,0,0,0,,,,false,0,0\r\n");
    }

    [Fact]
    public void The_series_has_one_line_per_bucket_and_subject_with_used_gpus_only_where_reported()
    {
        var series = new UsageSeries(Query, [Query.From, Query.From.AddHours(1)],
        [
            new SubjectSeries("vision\u001Falice", "vision", "alice", [2, 1.5], [1, 0.75], 210, 210, 105, true),
            new SubjectSeries("nlp\u001Fbob", "nlp", "bob", [0, 4], [0, 0], 240, 0, 0, false),
        ], 32);

        UsageCsv.Series(series).Should().Be(
            UsageCsv.SeriesHeader + "\r\n"
            + "2026-11-01T00:00:00Z,vision,alice,2,1,32,true,,\r\n"
            + "2026-11-01T00:00:00Z,nlp,bob,0,,32,false,,\r\n"
            + "2026-11-01T01:00:00Z,vision,alice,1.5,0.75,32,true,,\r\n"
            + "2026-11-01T01:00:00Z,nlp,bob,4,,32,false,,\r\n");
    }

    [Fact]
    public void The_series_gives_the_views_reserved_and_reserved_idle_gpus_on_each_line_of_a_bucket()
    {
        var reserved = new ReservedTime([4, 2], [3, 0.5], new Dictionary<string, ReservedTotals> { ["vision"] = new(6, 3.5) });
        var series = new UsageSeries(Query, [Query.From, Query.From.AddHours(1)],
        [
            new SubjectSeries("vision", "vision", null, [1, 1.5], [0, 0], 150, 0, 0, false),
        ], 32) { Reserved = reserved };

        UsageCsv.Series(series).Should().Be(
            UsageCsv.SeriesHeader + "\r\n"
            + "2026-11-01T00:00:00Z,vision,,1,,32,false,4,3\r\n"
            + "2026-11-01T01:00:00Z,vision,,1.5,,32,false,2,0.5\r\n");
    }
}
