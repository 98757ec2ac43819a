using Dashboard.Web.Usage;

namespace Dashboard.Web.Tests.Usage;

public sealed class UsageRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 14, 37, 12, TimeSpan.Zero);

    private static UsageQuery Parse(UsageRequest request)
    {
        var (query, problems) = request.Parse(Now, TimeSpan.FromDays(8), TimeSpan.FromDays(100));
        problems.Should().BeEmpty();
        return query!;
    }

    [Theory]
    [InlineData("24h", 15, "2026-11-27T14:30:00+00:00")]
    [InlineData("7d", 60, "2026-11-21T14:00:00+00:00")]
    [InlineData(null, 60, "2026-11-21T14:00:00+00:00")]
    [InlineData("30d", 360, "2026-10-29T12:00:00+00:00")]
    [InlineData("90d", 1440, "2026-08-30T00:00:00+00:00")]
    public void Presets_end_now_and_start_at_the_bucket_holding_their_first_moment(string? range, int bucketMinutes, string from)
    {
        var query = Parse(new UsageRequest(range));

        query.Bucket.Should().Be(TimeSpan.FromMinutes(bucketMinutes));
        query.From.Should().Be(DateTimeOffset.Parse(from, System.Globalization.CultureInfo.InvariantCulture));
        query.To.Should().Be(Now);
        query.Group.Should().Be(UsageGrouping.Team);
    }

    [Fact]
    public void A_custom_range_gets_the_shortest_bucket_that_keeps_the_chart_readable_and_old_ranges_a_coarser_one()
    {
        Parse(new UsageRequest("custom", "2026-11-27", "2026-11-28")).Bucket.Should().Be(TimeSpan.FromMinutes(15));
        Parse(new UsageRequest("custom", "2026-11-01", "2026-11-28T12:00")).Bucket.Should().Be(TimeSpan.FromHours(6));
        Parse(new UsageRequest("custom", "2026-01-01", "2026-11-28")).Bucket.Should().Be(TimeSpan.FromDays(7));
        Parse(new UsageRequest("custom", "2026-11-01", "2026-11-02")).Bucket.Should().Be(TimeSpan.FromHours(1), "minute samples of that day are gone");
        Parse(new UsageRequest("custom", "2026-01-01", "2026-01-03")).Bucket.Should().Be(TimeSpan.FromDays(1), "only day roll-ups are kept that long");
        Parse(new UsageRequest("custom", "2026-11-01", "2026-11-02", "user", " vision ")).Should().Match<UsageQuery>(q => q.Group == UsageGrouping.User && q.Team == "vision");
    }

    [Fact]
    public void A_from_or_a_to_without_a_range_asks_for_that_custom_range_not_the_default_week()
    {
        var query = Parse(new UsageRequest(null, "2026-11-27", "2026-11-28"));
        query.Range.Should().Be("custom");
        query.From.Should().Be(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));
        query.To.Should().Be(new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero));

        new UsageRequest(null, "2026-11-28", "2020-01-01").Parse(Now, TimeSpan.FromDays(8), TimeSpan.FromDays(100)).Problems.Keys.Should().Equal("to");
        new UsageRequest(null, "2026-11-28").Parse(Now, TimeSpan.FromDays(8), TimeSpan.FromDays(100)).Problems.Keys.Should().Equal("to");
        new UsageRequest(null, null, "2026-11-28").Parse(Now, TimeSpan.FromDays(8), TimeSpan.FromDays(100)).Problems.Keys.Should().Equal("from");
    }

    [Theory]
    [InlineData("1y", null, null, null, "range")]
    [InlineData("7d", null, null, "project", "group")]
    [InlineData("custom", null, "2026-11-02", null, "from")]
    [InlineData("custom", "2026-11-02", "yesterday", null, "to")]
    [InlineData("custom", "2026-11-02", "2026-11-01", null, "to")]
    [InlineData("custom", "2024-01-01", "2026-11-01", null, "to")]
    public void Bad_values_are_refused_with_the_field_that_is_wrong(string range, string? from, string? to, string? group, string field)
    {
        var (query, problems) = new UsageRequest(range, from, to, group).Parse(Now, TimeSpan.FromDays(8), TimeSpan.FromDays(100));

        query.Should().BeNull();
        problems.Keys.Should().Contain(field);
    }

    [Fact]
    public void The_query_string_asks_the_same_again()
    {
        new UsageRequest("custom", "2026-11-01", "2026-11-02T08:00", "user", "a&b").ToQueryString()
            .Should().Be("?range=custom&from=2026-11-01&to=2026-11-02T08%3A00&group=user&team=a%26b");
        new UsageRequest().ToQueryString().Should().BeEmpty();
    }
}
