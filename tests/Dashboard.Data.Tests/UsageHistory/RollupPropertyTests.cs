using Dashboard.Data.Usage;
using Microsoft.Data.Sqlite;
using Dashboard.Data.UsageHistory;
using Dashboard.Scheduling.Accounting;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dashboard.Data.Tests.UsageHistory;

/// <summary>
/// Over random per-minute samples (teams, members, real and simulated, with and without utilisation) across a few
/// days, rolled up at random moments and with retention applied: every hour and day row equals the sum of the
/// minutes it replaces, and a chart reads the same totals whatever granularity it reads them from.
/// </summary>
public sealed class RollupPropertyTests : IDisposable
{
    private const int Cases = 1_000;

    // Without fsync per commit: the property is about sums, and a thousand cases stay quick.
    private readonly TempDatabase temp = new(SqliteSynchronous.Off);
    private readonly Database database;

    public RollupPropertyTests()
    {
        database = temp.Open();
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Roll_ups_equal_the_sums_of_the_minutes_they_replace()
    {
        var store = new UsageHistoryStore(database);
        var origin = UsageSplit.AlignDown(temp.Time.GetUtcNow(), TimeSpan.FromDays(1));
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(41, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        var sample =
            from team in Gen.Elements("vision", "nlp", "speech")
            from user in Gen.Elements("alice", "bob")
            from minute in Gen.Choose(0, 3 * 24 * 60)
            from gpus in Gen.Choose(0, 16)
            from pct in Gen.Elements<double?>(null, 0, 12.5, 50, 99.9, 100)
            from simulated in Gen.Elements(false, true)
            select (team, user, minute, gpus, pct, simulated);
        var cases =
            from samples in Gen.ListOf(sample)
            from rolls in Gen.Choose(0, 4)
            from rollAtMinutes in Gen.ArrayOf(Gen.Choose(0, 4 * 24 * 60), rolls)
            select (samples, rollAtMinutes);
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(cases), c =>
        {
            Clear();
            // One member sample per key, as the table's key allows; team samples are what the sampler would write for
            // the same minute: the sums over the team's members, with the mean utilisation.
            var distinct = c.samples.DistinctBy(s => (s.team, s.user, s.minute, s.simulated)).ToList();
            var teams = distinct.GroupBy(s => (s.team, s.minute, s.simulated)).Select(g =>
            {
                var measured = g.Where(s => s.pct is not null).ToList();
                double? pct = measured.Count == 0 ? null : measured.Average(s => s.pct!.Value);
                return (g.Key.team, user: "", g.Key.minute, gpus: g.Sum(s => s.gpus), pct, g.Key.simulated);
            }).ToList();
            store.WriteSamples([new MinuteSamples(
                [.. teams.Select(s => new UtilisationSample(s.team, origin.AddMinutes(s.minute), s.gpus, s.gpus * 1000L, s.gpus * 2048L, s.pct, s.pct is null ? null : s.gpus * 10L, s.simulated))],
                [.. distinct.Select(s => new MemberUtilisationSample(s.team, s.user, origin.AddMinutes(s.minute), s.gpus, s.gpus * 1000L, s.gpus * 2048L, s.pct, s.pct is null ? null : s.gpus * 10L, s.simulated))])]);
            foreach (var at in c.rollAtMinutes.Order())
            {
                store.RollUp(origin.AddMinutes(at));
            }

            var end = origin.AddDays(4);
            store.RollUp(end);
            store.ApplyRetention(end, new UsageRetention(TimeSpan.FromHours(1), TimeSpan.FromHours(1), null));
            var ok = true;
            foreach (var members in new[] { false, true })
            {
                var rows = members ? distinct : teams;
                var expectedGpu = rows.Sum(s => (long)s.gpus);
                var expectedUsed = rows.Sum(s => s.pct is { } p ? s.gpus * p / 100 : 0);
                var expectedMeasured = rows.Where(s => s.pct is not null).Sum(s => (long)s.gpus);
                // After retention only day rows are left for these old minutes: each day equals its minutes.
                var days = store.Points(new UtilisationFilter(members, null), origin.AddDays(-1), end, TimeSpan.FromDays(1));
                ok &= days.Sum(p => p.GpuMinutes) == expectedGpu
                    && days.Sum(p => p.MeasuredGpuMinutes) == expectedMeasured
                    && Math.Abs(days.Sum(p => p.UsedGpuMinutes) - expectedUsed) < 1e-6;
                foreach (var p in days)
                {
                    var inDay = rows.Where(s => s.team == p.Team && (!members || s.user == p.User)
                        && UsageSplit.AlignDown(origin.AddMinutes(s.minute), TimeSpan.FromDays(1)) == p.Start);
                    ok &= p.GpuMinutes == inDay.Sum(s => (long)s.gpus);
                }
            }

            return ok;
        }));
    }

    private void Clear()
    {
        using var connection = database.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            DELETE FROM team_utilisation_samples; DELETE FROM member_utilisation_samples;
            DELETE FROM team_utilisation_rollups; DELETE FROM member_utilisation_rollups; DELETE FROM utilisation_rollup_progress;
            """;
        command.ExecuteNonQuery();
    }
}
