using Dashboard.Web.Audit;

namespace Dashboard.Web.Tests.Audit;

public sealed class AuditFilterTests
{
    [Fact]
    public void Empty_filters_query_everything()
    {
        var (query, problems) = new AuditFilter("  ", "", null, null, " ").Parse();

        problems.Should().BeEmpty();
        query.Should().Be(Dashboard.Data.Audit.AuditQuery.All);
    }

    [Fact]
    public void Values_are_trimmed_and_times_read_as_utc()
    {
        var (query, _) = new AuditFilter(" bob ", "job.", "job:1", "2026-01-05T09:10", "2026-01-05T11:00:00+01:00").Parse();

        query!.Actor.Should().Be("bob");
        query.Action.Should().Be("job.");
        query.From.Should().Be(new DateTimeOffset(2026, 1, 5, 9, 10, 0, TimeSpan.Zero));
        query.To.Should().Be(new DateTimeOffset(2026, 1, 5, 10, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("yesterday", null, "from", "A time in UTC")]
    [InlineData(null, "13/01/2026", "to", "A time in UTC")]
    [InlineData("2026-01-05T10:00", "2026-01-05T10:00", "to", "later than")]
    public void Bad_times_are_refused_with_a_message(string? from, string? to, string field, string message)
    {
        var (query, problems) = new AuditFilter(From: from, To: to).Parse();

        query.Should().BeNull();
        problems[field].Should().Contain(message);
    }

    [Fact]
    public void An_overlong_value_is_refused()
    {
        var (query, problems) = new AuditFilter(Target: new string('x', AuditFilter.MaxLength + 1)).Parse();

        query.Should().BeNull();
        problems.Should().ContainKey("target");
    }

    [Fact]
    public void The_query_string_carries_only_the_set_filters_encoded()
    {
        new AuditFilter().ToQueryString().Should().BeEmpty();
        new AuditFilter(Actor: "a b", Target: "x&y=z", From: "2026-01-05T09:10").ToQueryString()
            .Should().Be("?actor=a%20b&target=x%26y%3Dz&from=2026-01-05T09%3A10");
    }
}
