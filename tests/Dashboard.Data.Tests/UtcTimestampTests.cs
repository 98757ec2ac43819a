using Dapper;

namespace Dashboard.Data.Tests;

public sealed class UtcTimestampTests
{
    [Fact]
    public void Timestamps_are_stored_as_unix_milliseconds_in_an_integer_column_through_dapper()
    {
        using var temp = new TempDatabase();
        using var connection = temp.Open().OpenConnection();
        var at = new DateTimeOffset(2026, 3, 1, 12, 30, 15, 250, TimeSpan.FromHours(2));

        connection.Execute("CREATE TEMP TABLE t (at INTEGER, maybe INTEGER)");
        connection.Execute("INSERT INTO t VALUES ($at, $maybe)", new { at, maybe = (DateTimeOffset?)null });

        connection.ExecuteScalar<string>("SELECT typeof(at) FROM t").Should().Be("integer");
        connection.ExecuteScalar<long>("SELECT at FROM t").Should().Be(at.ToUnixTimeMilliseconds());
        var row = connection.QuerySingle<Row>("SELECT at AS At, maybe AS Maybe FROM t");
        row.At.Should().Be(at);
        row.At.Offset.Should().Be(TimeSpan.Zero);
        row.Maybe.Should().BeNull();
    }

    [Fact]
    public void Sub_millisecond_precision_is_dropped_the_same_way_everywhere()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 30, 15, 250, TimeSpan.Zero).AddTicks(4321);

        UtcTimestamp.Truncate(at).Should().Be(at.AddTicks(-4321));
        UtcTimestamp.FromStored(UtcTimestamp.ToStored(at)).Should().Be(UtcTimestamp.Truncate(at));
    }

    private sealed class Row
    {
        public DateTimeOffset At { get; set; }

        public DateTimeOffset? Maybe { get; set; }
    }
}
