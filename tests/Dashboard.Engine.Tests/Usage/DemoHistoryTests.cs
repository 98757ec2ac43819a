using Dashboard.Data;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Engine.Inventory;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests.Usage;

public sealed class DemoHistoryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 14, 37, 12, TimeSpan.Zero);
    private static readonly IReadOnlyList<Node> Nodes = [.. LocalHostInventory.DemoNodes(new DemoNodeOptions { Count = 4, GpusPerNode = 8 })];
    private readonly string folder = Directory.CreateTempSubdirectory("dashboard-demo-history-").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Ninety_days_of_finished_jobs_by_eight_teams_never_share_a_GPU_and_include_the_demo_accounts()
    {
        var jobs = DemoHistory.Jobs(Nodes, Now, 90);

        jobs.Count.Should().BeInRange(2_000, 8_000);
        jobs.Select(j => j.Job.Team).Distinct().Should().HaveCount(8);
        jobs.Select(j => j.Job.Spec.Owner).Should().Contain(["alice", "bob", "lead"]);
        jobs.Where(j => j.Job.Spec.Owner == "alice").Should().OnlyContain(j => j.Job.Team == "vision");
        jobs.Select(j => j.EndedAs).Distinct().Should().BeEquivalentTo([JobState.Succeeded, JobState.Failed, JobState.Cancelled, JobState.TimedOut]);
        jobs.Should().OnlyContain(j => j.End <= Now && j.Allocation.Start >= j.Job.SubmittedAt && j.End > j.Allocation.Start && j.Allocation.Start.Second == 0);
        jobs.Select(j => j.Job.Id.Value).Should().Equal(Enumerable.Range(1, jobs.Count).Select(i => (long)i));
        foreach (var node in jobs.GroupBy(j => j.Allocation.Node))
        {
            foreach (var gpu in node.SelectMany(j => j.Allocation.GpuIndices.Select(i => (Gpu: i, j.Allocation.Start, j.End))).GroupBy(x => x.Gpu))
            {
                var spans = gpu.OrderBy(x => x.Start).ToList();
                spans.Zip(spans.Skip(1)).Should().OnlyContain(pair => pair.First.End <= pair.Second.Start, $"GPU {gpu.Key} of {node.Key} is held by one job at a time");
            }
        }

        var held = jobs.Sum(j => UsageSplit.Whole(j.Segment, Now).GpuHours);
        (held / (32 * 24 * 90)).Should().BeInRange(0.3, 0.95, "a busy but not saturated cluster");
    }

    [Fact]
    public void Seeding_writes_jobs_roll_ups_and_samples_that_agree_with_each_other_to_the_GPU_minute()
    {
        using var database = Database.Open(new DatabaseOptions { DataFolder = folder, Synchronous = SqliteSynchronous.Off }, new FakeTimeProvider(Now));
        using var writer = new ClusterWriter(database);
        var store = new UsageHistoryStore(database);

        var count = DemoHistorySeeding.Seed(writer, store, Nodes, 30, Now);

        var jobs = DemoHistory.Jobs(Nodes, Now, 30);
        count.Should().Be(jobs.Count);
        store.HasHistory().Should().BeTrue();
        var from = UsageSplit.AlignDown(Now.AddDays(-30), TimeSpan.FromDays(1));
        var segments = store.Segments(new JobFilter(null), from, Now);
        segments.Should().HaveCount(jobs.Count);
        var jobGpuMinutes = segments.Sum(s => UsageSplit.Within(s, from, Now, Now).GpuMilliseconds) / 60_000;
        foreach (var bucket in new[] { TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromDays(1) })
        {
            var start = bucket < TimeSpan.FromHours(1) ? UsageSplit.AlignDown(Now.AddDays(-1), TimeSpan.FromHours(1)) : from;
            var sampled = store.Points(new UtilisationFilter(false, null), start, Now, bucket).Sum(p => p.GpuMinutes);
            var expected = segments.Sum(s => UsageSplit.Within(s, start, Now, Now).GpuMilliseconds) / 60_000;
            sampled.Should().Be(expected, $"samples read at {bucket} granularity add up to the jobs' GPU-minutes");
        }

        store.Points(new UtilisationFilter(true, null), from, Now, TimeSpan.FromDays(1)).Sum(p => p.GpuMinutes).Should().Be(jobGpuMinutes, "members add up to the teams");
        store.Progress().Should().Be(new RollupProgress(UsageSplit.AlignDown(Now, TimeSpan.FromHours(1)), UsageSplit.AlignDown(Now, TimeSpan.FromDays(1))));
    }
}
