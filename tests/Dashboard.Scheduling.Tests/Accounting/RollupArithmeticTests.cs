using Dashboard.Scheduling.Accounting;

namespace Dashboard.Scheduling.Tests.Accounting;

/// <summary>The arithmetic the usage store's roll-ups and job-day reads rest on: ranges, steps, tallies, the p95 merge.</summary>
public sealed class RollupArithmeticTests
{
    private const long Hour = 3_600_000;
    private const long Day = WholeDays.DayMs;

    [Fact]
    public void A_range_from_mid_day_to_mid_day_three_days_on_has_two_whole_days_and_both_partial_edges()
    {
        var days = WholeDays.Of((10 * Day) + (6 * Hour), (13 * Day) + (2 * Hour));

        days.Any.Should().BeTrue();
        (days.FirstDay, days.LastDay).Should().Be((11 * Day, 13 * Day));
        days.Edges.Should().Equal(((10 * Day) + (6 * Hour), 11 * Day), (13 * Day, (13 * Day) + (2 * Hour)));
    }

    [Fact]
    public void A_range_on_midnights_has_no_edges_and_one_inside_a_day_has_no_whole_day()
    {
        WholeDays.Of(10 * Day, 12 * Day).Edges.Should().BeEmpty();
        WholeDays.Of(10 * Day, 12 * Day).Any.Should().BeTrue();
        WholeDays.Of((10 * Day) + 1, (11 * Day) - 1).Any.Should().BeFalse();
        WholeDays.Of((10 * Day) + 1, (11 * Day) + 1).Any.Should().BeFalse("no whole day fits between 00:00:00.001 and the next 00:00:00.001");
    }

    [Fact]
    public void A_first_roll_up_starts_at_the_first_rows_bucket_and_stops_at_the_last_complete_one()
    {
        var asked = 0;
        var hours = RollupStep.Next(null, () => { asked++; return (5 * Hour) + 1234; }, (9 * Hour) + 59_000, Hour);

        hours.Should().Be(new RollupStep(5 * Hour, 9 * Hour));
        (hours.Any, hours.Until, asked).Should().Be((true, 9 * Hour, 1));
    }

    [Fact]
    public void A_later_roll_up_starts_at_its_mark_without_asking_for_the_first_row_and_never_moves_the_mark_back()
    {
        var hours = RollupStep.Next(9 * Hour, () => throw new InvalidOperationException("not asked when there is a mark"), (9 * Hour) + 10, Hour);

        hours.Any.Should().BeFalse();
        hours.Until.Should().Be(9 * Hour);
        RollupStep.Next(3 * Day, () => null, (2 * Day) + 5, Day).Until.Should().Be(3 * Day);
    }

    [Fact]
    public void Without_a_mark_or_any_row_there_is_nothing_to_roll_up()
    {
        var days = RollupStep.Next(null, () => null, (4 * Day) + 7, Day);

        days.Should().Be(new RollupStep(4 * Day, 4 * Day));
        days.Any.Should().BeFalse();
    }

    [Fact]
    public void A_tally_sums_what_was_held_and_the_starts_and_gives_the_mean_and_the_place_of_the_p95_from_the_longest()
    {
        var tally = new JobTally();
        tally.IsEmpty.Should().BeTrue();
        (tally.MeanWait, tally.P95PlaceFromLongest).Should().Be((null, null));

        tally.Add(new HeldAmount(1_000, 2_000, 3_000, 4_000));
        tally.Add(new HeldAmount(1_000, 2_000, 3_000, 4_000));
        tally.AddStarts(18, 18 * 60_000);
        tally.AddUnrolledStart(120_000);
        tally.AddUnrolledStart(0);

        tally.Held.Should().Be(new HeldAmount(2_000, 4_000, 6_000, 8_000));
        tally.Jobs.Should().Be(20);
        tally.MeanWait.Should().Be(TimeSpan.FromMilliseconds(((18 * 60_000) + 120_000) / 20.0));
        tally.P95PlaceFromLongest.Should().Be(1, "the 19th of 20 waits (nearest rank) is the second longest");
        tally.UnrolledWaits.Should().Equal(120_000, 0);
        tally.IsEmpty.Should().BeFalse();
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(19, 0)]
    [InlineData(21, 1)]
    [InlineData(100, 5)]
    public void The_p95_place_from_the_longest_is_the_nearest_rank(long jobs, long place)
    {
        var tally = new JobTally();
        tally.AddStarts(jobs, 0);

        tally.P95PlaceFromLongest.Should().Be(place);
    }

    [Fact]
    public void A_wait_is_picked_by_its_place_among_the_rolled_and_the_unrolled_waits_together()
    {
        long[] rolled = [90, 70, 50, 10];
        long[] unrolled = [60, 95, 5];

        Enumerable.Range(0, 7).Select(place => LongestWaits.At(rolled, unrolled, place)).Should().Equal(95L, 90L, 70L, 60L, 50L, 10L, 5L);
        LongestWaits.At(rolled, unrolled, 7).Should().BeNull("there are only seven waits");
        LongestWaits.At(rolled, [], 2).Should().Be(50);
        LongestWaits.At([], unrolled, 0).Should().Be(95);
    }

    [Fact]
    public void The_rolled_waits_are_read_only_as_far_as_the_place_needs()
    {
        var read = 0;
        IEnumerable<long> Rolled()
        {
            foreach (var wait in new long[] { 90, 70, 50, 10 })
            {
                read++;
                yield return wait;
            }
        }

        LongestWaits.At(Rolled(), [80], 1).Should().Be(80);
        read.Should().Be(2);
    }
}
