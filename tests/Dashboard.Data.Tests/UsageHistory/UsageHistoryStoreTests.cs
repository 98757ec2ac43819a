using Dashboard.Data.Usage;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using static Dashboard.Data.Tests.TestCluster;

namespace Dashboard.Data.Tests.UsageHistory;

public sealed class UsageHistoryStoreTests : StoreTest
{
    private readonly UsageHistoryStore store;
    private readonly DateTimeOffset hour;

    public UsageHistoryStoreTests()
    {
        store = new UsageHistoryStore(Database);
        hour = UsageSplit.AlignDown(Now, TimeSpan.FromHours(1));
    }

    private static UtilisationSample Team(string team, DateTimeOffset minute, int gpus, double? pct = null, bool simulated = false) =>
        new(team, minute, gpus, gpus * 4_000L, gpus * 16_384L, pct, pct is null ? null : gpus * 1000L, simulated);

    private static MemberUtilisationSample Member(string team, string user, DateTimeOffset minute, int gpus, double? pct = null, bool simulated = false) =>
        new(team, user, minute, gpus, gpus * 4_000L, gpus * 16_384L, pct, pct is null ? null : gpus * 1000L, simulated);

    [Fact]
    public void Minutes_roll_up_into_hours_and_hours_into_days_as_plain_sums()
    {
        var day = UsageSplit.AlignDown(Now, TimeSpan.FromDays(1));
        var minutes = new List<MinuteSamples>();
        for (var m = day.AddMinutes(-30); m < day.AddHours(2); m = m.AddMinutes(1))
        {
            minutes.Add(new MinuteSamples([Team("vision", m, 4, pct: 50)], [Member("vision", "alice", m, 3, pct: 50), Member("vision", "bob", m, 1)]));
        }

        store.WriteSamples(minutes);
        var progress = store.RollUp(day.AddHours(2).AddMinutes(5));

        progress.HoursUntil.Should().Be(day.AddHours(2));
        progress.DaysUntil.Should().Be(day);
        var team = store.Points(new UtilisationFilter(false, ["vision"]), day.AddDays(-1), day.AddHours(2), TimeSpan.FromHours(1));
        team.Select(p => (p.Start, p.GpuMinutes)).Should().Equal((day.AddHours(-1), 4 * 30L), (day, 4 * 60L), (day.AddHours(1), 4 * 60L));
        team.Sum(p => p.UsedGpuMinutes).Should().Be(0.5 * 4 * 150);
        team.Sum(p => p.MeasuredGpuMinutes).Should().Be(4 * 150);

        var byDay = store.Points(new UtilisationFilter(false, ["vision"]), day.AddDays(-1), day.AddHours(2), TimeSpan.FromDays(1));
        // The day before is read from its day row, today from its two hour rows.
        byDay.Select(p => (p.Start, p.GpuMinutes)).Should().Equal((day.AddDays(-1), 4 * 30L), (day, 4 * 120L));
        var members = store.Points(new UtilisationFilter(true, null), day.AddDays(-1), day.AddHours(2), TimeSpan.FromDays(1));
        members.GroupBy(p => p.User).ToDictionary(g => g.Key, g => g.Sum(p => p.GpuMinutes)).Should().BeEquivalentTo(new Dictionary<string, long> { ["alice"] = 450, ["bob"] = 150 });
        members.Where(p => p.User == "bob").Sum(p => p.MeasuredGpuMinutes).Should().Be(0, "bob's GPUs reported no utilisation");
    }

    [Fact]
    public void Samples_skip_the_flush_at_commit_but_the_next_user_of_a_pooled_connection_gets_the_configured_setting_back()
    {
        Database.Options.Synchronous.Should().Be(SqliteSynchronous.Full, "the default every other write relies on");
        store.WriteSamples(new MinuteSamples([Team("nlp", hour.AddMinutes(1), 2)], []));

        using var next = Database.OpenConnection();
        using var query = next.CreateCommand();
        query.CommandText = "PRAGMA synchronous";
        Convert.ToInt64(query.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).Should().Be(2, "FULL (2) again, not the samples' NORMAL (1)");
        store.Points(new UtilisationFilter(false, ["nlp"]), hour, hour.AddHours(1), TimeSpan.FromHours(1)).Sum(p => p.GpuMinutes).Should().Be(2);
    }

    [Fact]
    public void The_current_hour_is_read_from_minute_samples_until_it_is_rolled_up()
    {
        store.RollUp(hour);
        store.WriteSamples(new MinuteSamples([Team("nlp", hour.AddMinutes(3), 2)], []));

        store.Points(new UtilisationFilter(false, null), hour.AddHours(-1), hour.AddHours(1), TimeSpan.FromHours(1))
            .Should().ContainSingle().Which.Should().Be(new UtilisationPoint("nlp", "", hour, false, 2, 0, 0));
    }

    [Fact]
    public void Retention_deletes_only_what_is_old_and_already_rolled_up()
    {
        var old = hour.AddDays(-10);
        store.WriteSamples([new MinuteSamples([Team("vision", old, 2)], [Member("vision", "alice", old, 2)]), new MinuteSamples([Team("vision", hour.AddMinutes(-5), 1)], [])]);
        store.ApplyRetention(hour, new UsageRetention(TimeSpan.FromDays(8), TimeSpan.FromDays(100), null));
        store.Points(new UtilisationFilter(false, null), old, hour, TimeSpan.FromMinutes(1)).Should().HaveCount(2, "nothing is rolled up yet, so nothing is deleted");

        store.RollUp(hour);
        store.ApplyRetention(hour, new UsageRetention(TimeSpan.FromDays(8), TimeSpan.FromDays(100), null));

        store.Points(new UtilisationFilter(false, null), old, hour, TimeSpan.FromMinutes(1)).Should().ContainSingle("the old minute is gone, the recent one kept")
            .Which.Start.Should().Be(hour.AddMinutes(-5));
        store.Points(new UtilisationFilter(false, null), old, hour, TimeSpan.FromHours(1)).Sum(p => p.GpuMinutes).Should().Be(3, "its hour row keeps it");
        store.Points(new UtilisationFilter(true, ["vision"], "alice"), old.AddDays(-1), hour, TimeSpan.FromDays(1)).Sum(p => p.GpuMinutes).Should().Be(2);
    }

    [Fact]
    public void Segments_are_every_allocation_with_its_release_including_cancelled_timed_out_and_still_running_jobs()
    {
        Writer.Write([new NodeUpserted(Node("n1"), Now), new QuotaSet(Quota("vision"), Now)]);
        var changes = new List<ClusterChange>();
        void Run(long id, int[] gpus, DateTimeOffset start, DateTimeOffset? end, JobState endsAs)
        {
            changes.Add(new JobSubmitted(Job(id, start.AddMinutes(-7), gpus: gpus.Length)));
            changes.Add(new JobStateChanged(new JobId(id), JobState.Pending, JobState.Running, start));
            changes.Add(new AllocationMade(Allocation(id, "n1", start, gpus), false));
            if (end is { } e)
            {
                changes.Add(new AllocationReleased(new JobId(id), e));
                changes.Add(new JobStateChanged(new JobId(id), JobState.Running, endsAs, e));
            }
        }

        Run(1, [0, 1], Now, Now.AddMinutes(30), JobState.Cancelled);
        Run(2, [2], Now, Now.AddHours(2), JobState.TimedOut);
        Run(3, [3], Now.AddHours(1), null, JobState.Running);
        Run(4, [4], Now.AddDays(-3), Now.AddDays(-2), JobState.Succeeded);
        Writer.Write(changes);

        var segments = store.Segments(new JobFilter(["vision"]), Now, Now.AddHours(3)).OrderBy(s => s.Job).ToList();

        segments.Select(s => (s.Job.Value, s.Gpus, s.Start, s.End)).Should().Equal(
            (1L, 2, Now, (DateTimeOffset?)Now.AddMinutes(30)), (2L, 1, Now, Now.AddHours(2)), (3L, 1, Now.AddHours(1), null));
        segments[0].Wait.Should().Be(TimeSpan.FromMinutes(7));
        store.Segments(new JobFilter(["nlp"]), Now, Now.AddHours(3)).Should().BeEmpty();
        store.Segments(new JobFilter(null, "someone-else"), Now, Now.AddHours(3)).Should().BeEmpty();
        var totals = UsageTotalling.Total(segments, s => s.Team, Now, Now.AddHours(3), Now.AddHours(3)).Single();
        totals.Held.GpuHours.Should().Be(1.0 + 2.0 + 2.0, "cancelled 2 GPUs x 30 min, timed out 1 x 2 h, running 1 x 2 h so far");
    }
}
