using Dashboard.Data.UsageHistory;
using Dashboard.Scheduling.Accounting;

namespace Dashboard.Data.Tests.UsageHistory;

/// <summary>team_reservation_samples and their roll-ups on a real SQLite file: written with the minute's samples, rolled up into hours and days as plain sums, read per chart bucket from the coarsest source, kept like the minute samples.</summary>
public sealed class ReservedTimeStoreTests : StoreTest
{
    private readonly UsageHistoryStore store;
    private readonly DateTimeOffset day;

    public ReservedTimeStoreTests()
    {
        store = new UsageHistoryStore(Database);
        day = UsageSplit.AlignDown(Now, TimeSpan.FromDays(1)).AddDays(-3);
    }

    private static MinuteSamples Minute(params ReservationSample[] reserved) => new([], [], null, reserved);

    [Fact]
    public void Minutes_are_read_per_team_and_bucket_and_a_team_filter_keeps_only_its_teams()
    {
        store.WriteSamples(
        [
            Minute(new ReservationSample("vision", day.AddMinutes(1), 8, 6), new("nlp", day.AddMinutes(1), 2, 2)),
            Minute(new ReservationSample("vision", day.AddMinutes(2), 8, 0)),
            Minute(new ReservationSample("vision", day.AddMinutes(20), 4, 4)),
        ]);

        store.ReservedPoints(null, day, day.AddHours(1), TimeSpan.FromMinutes(15)).OrderBy(p => p.Start).ThenBy(p => p.Team, StringComparer.Ordinal).Should().Equal(
            new ReservedPoint("nlp", day, 2, 2), new ReservedPoint("vision", day, 16, 6), new ReservedPoint("vision", day.AddMinutes(15), 4, 4));
        store.ReservedPoints(["nlp"], day, day.AddHours(1), TimeSpan.FromHours(1)).Should().Equal(new ReservedPoint("nlp", day, 2, 2));
        store.ReservedPoints([], day, day.AddHours(1), TimeSpan.FromHours(1)).Should().BeEmpty();
    }

    [Fact]
    public void The_same_minute_written_again_replaces_it_and_idle_is_never_above_reserved()
    {
        store.WriteSamples(Minute(new ReservationSample("vision", day, 8, 8)));
        store.WriteSamples(Minute(new ReservationSample("vision", day, 8, 12)));
        store.WriteSamples(Minute(new ReservationSample("vision", day, 6, 1)));
        store.WriteSamples(Minute(new ReservationSample("nlp", day, 4, 9)));

        store.ReservedPoints(null, day, day.AddMinutes(1), TimeSpan.FromMinutes(1)).OrderBy(p => p.Team, StringComparer.Ordinal)
            .Should().Equal(new ReservedPoint("nlp", day, 4, 4), new ReservedPoint("vision", day, 6, 1));
    }

    [Fact]
    public void Roll_ups_sum_the_minutes_into_hours_and_days_and_retention_keeps_the_totals()
    {
        // Two days of a booking: every minute of 09:00-10:59 on the first day, 4 GPUs with 1 idle; one minute on the second.
        var minutes = Enumerable.Range(0, 120).Select(m => Minute(new ReservationSample("vision", day.AddHours(9).AddMinutes(m), 4, 1))).ToList();
        minutes.Add(Minute(new ReservationSample("vision", day.AddDays(1).AddHours(3), 2, 2)));
        store.WriteSamples(minutes);
        var byMinute = store.ReservedPoints(null, day, day.AddDays(2), TimeSpan.FromDays(1));

        store.RollUp(day.AddDays(2).AddHours(1));
        store.ApplyRetention(day.AddDays(2).AddHours(1), new UsageRetention(TimeSpan.FromHours(1), TimeSpan.FromHours(1), null));

        byMinute.OrderBy(p => p.Start).Should().Equal(new ReservedPoint("vision", day, 480, 120), new ReservedPoint("vision", day.AddDays(1), 2, 2));
        store.ReservedPoints(null, day, day.AddDays(2), TimeSpan.FromDays(1)).OrderBy(p => p.Start).Should().Equal(byMinute.OrderBy(p => p.Start), "the day rows equal the minutes they replace");
        store.ReservedPoints(null, day, day.AddDays(2), TimeSpan.FromMinutes(1)).Should().BeEmpty("the minutes and hours were deleted once rolled up");
        using var connection = Database.OpenConnection();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM team_reservation_samples";
        ((long)count.ExecuteScalar()!).Should().Be(0);
    }
}
