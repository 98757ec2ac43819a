using System.Collections.Immutable;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using Dashboard.Scheduling.Tests.Planning.Reference;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// The fast <see cref="StartEstimator"/> (flat arrays, team numbers, hand-written heaps) must give exactly the
/// estimates of the first, dictionary-based version kept in <see cref="ReferenceStartEstimator"/>: whole plans are
/// compared line by line (estimate, offset included), on the random property scenarios and on larger random
/// clusters where hundreds of simulated ends, quota waits and model requests interleave.
/// </summary>
public sealed class StartEstimatorTests
{
    [Fact]
    public void The_fast_estimator_gives_the_reference_estimates_on_random_scenarios() =>
        Scenarios.Check(scenario => ScenarioPlayer.Play(scenario, step =>
        {
            var explained = step.Before with { Settings = step.Before.Settings with { ExplainAllPending = true } };
            var fast = PlanText.Lines(Scheduler.Plan(explained, step.Now));
            var reference = PlanText.Lines(Scheduler.Plan(explained, step.Now, ReferenceStartEstimator.Into));
            if (!fast.SequenceEqual(reference))
            {
                throw new InvalidOperationException($"After operation {step.Step}: the fast estimator disagrees with the reference:\n{Diff(reference, fast)}");
            }
        }), seed: 11);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void The_fast_estimator_gives_the_reference_estimates_on_a_large_busy_cluster(int seed)
    {
        var (full, now) = BusyCluster(seed);
        full.Pending.Count.Should().BeGreaterThan(1_000, "the cluster should have a long backlog to estimate");
        full.Running.Should().NotBeEmpty();

        var fast = Scheduler.Plan(full, now);
        var reference = Scheduler.Plan(full, now, ReferenceStartEstimator.Into);

        fast.Pending.Where(p => p.EstimatedStart is not null).Should().HaveCountGreaterThan(500, "most jobs should have an estimate");
        fast.Pending.Where(p => p.Reason.Cause == PendingCause.TeamQuotaFull).Should().NotBeEmpty("quota waits should be exercised");
        PlanText.Lines(fast).Should().Equal(PlanText.Lines(reference));
    }

    [Fact]
    public void Plans_made_on_many_threads_at_once_are_the_same_as_one_made_alone()
    {
        // Passes share kept arrays (the waiting jobs' spare set, the per-team queue arrays): concurrent passes, as the
        // engine and the what-if panel make, must neither share one set at the same time nor fail when handing it back.
        var (full, now) = BusyCluster(7);
        var expected = PlanText.Lines(Scheduler.Plan(full, now));

        var plans = new IReadOnlyList<string>[24];
        Parallel.For(0, plans.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => plans[i] = PlanText.Lines(Scheduler.Plan(full, now)));

        plans.Should().AllSatisfy(lines => lines.Should().Equal(expected));
    }

    [Fact]
    public void A_job_behind_one_without_walltime_has_no_estimate_and_later_jobs_still_do()
    {
        // One 8-GPU node held by a job without walltime, one 4-GPU node held until t+1h; no reservations, so both
        // estimates come from the estimator.
        var now = Time.Epoch;
        var snapshot = ClusterBuilder.Cluster()
            .Node("n1", gpus: 8)
            .Node("n2", gpus: 4)
            .Team("a", nominalGpus: 16)
            .Running(1, "a", "n1", [0, 1, 2, 3, 4, 5, 6, 7], endsAt: null)
            .Running(2, "a", "n2", [0, 1, 2, 3], endsAt: now.AddHours(1))
            .Pending(3, "a", gpus: 8, walltime: TimeSpan.FromHours(1))
            .Pending(4, "a", gpus: 2, walltime: TimeSpan.FromHours(1))
            .Greedy()
            .Build();

        var plan = Scheduler.Plan(snapshot, now);

        plan.Pending.Single(p => p.Job == Jobs.Id(3)).EstimatedStart.Should().BeNull("no node with 8 GPUs ever frees up");
        plan.Pending.Single(p => p.Job == Jobs.Id(4)).EstimatedStart.Should().Be(now.AddHours(1));
        PlanText.Lines(plan).Should().Equal(PlanText.Lines(Scheduler.Plan(snapshot, now, ReferenceStartEstimator.Into)));
    }

    /// <summary>
    /// 30 nodes of 8 GPUs (a few mixed-model, a few draining), 6 teams (one without quota) with tight CPU quotas,
    /// 2,000 jobs of 0-8 GPUs, some with a GPU model, one in ten without walltime; planned once so the cluster is
    /// full, and a few jobs released at various times.
    /// </summary>
    internal static (ClusterSnapshot Snapshot, DateTimeOffset Now) BusyCluster(int seed)
    {
        var random = new Random(seed);
        var now = Time.Epoch.AddDays(3);
        var nodes = Enumerable.Range(0, 30).Select(n =>
        {
            var mixed = n % 7 == 0;
            var gpus = Enumerable.Range(0, 8).Select(i => new Gpu(i, mixed && i % 2 == 0 ? "A100" : "H100", 80 * 1024)).ToImmutableArray();
            var state = n % 11 == 5 ? NodeState.Draining : NodeState.Ready;
            return new Node($"n{n:D2}", gpus, 64_000, 512 * Units.MiBPerGiB, state);
        }).ToImmutableArray();
        string[] teams = ["a", "b", "c", "d", "e", "ghost"];
        var quotas = teams.Take(5).Select((team, t) => new TeamQuota(
            team,
            new ResourceAmount(24 + (t * 8), (96 + (t * 64)) * 1000L, 4096 * Units.MiBPerGiB),
            new ResourceAmount(t * 6, t * 32_000L, 1024 * Units.MiBPerGiB),
            1.0 + t)).ToImmutableArray();
        var jobs = new List<Job>();
        for (var id = 1; id <= 2_000; id++)
        {
            var team = teams[random.Next(100) < 2 ? 5 : random.Next(5)];
            var gpus = random.Next(10) switch { 0 => 0, < 5 => 1, < 7 => 2, < 9 => 4, _ => 8 };
            var model = gpus > 0 && random.Next(8) == 0 ? (random.Next(2) == 0 ? "A100" : "h100") : null;
            TimeSpan? walltime = random.Next(10) == 0 ? null : TimeSpan.FromMinutes(15 * random.Next(1, 40));
            var spec = new JobSpec("job", "owner", team, "run", new ResourceRequest(gpus, (1 + random.Next(16)) * 1000L, (1 + random.Next(64)) * Units.MiBPerGiB, model), Walltime: walltime, Priority: random.Next(3));
            jobs.Add(new Job(new JobId(id), spec, now.AddMinutes(-random.Next(10_000))));
        }

        // The settings the busy-cluster digests were recorded with (aging 1 place per hour, a 4-hour starvation bound).
        var empty = new ClusterSnapshot(nodes, quotas, PendingQueue.From(jobs), [], [], SchedulerSettings.Default with { AgeWeight = 1.0, StarvationAfter = TimeSpan.FromHours(4) });
        var full = ClusterTransitions.ApplyPlan(empty, Scheduler.Plan(empty, now));
        var later = now.AddMinutes(20);
        foreach (var running in full.Running.Where((_, i) => i % 9 == 0).ToList())
        {
            full = ClusterTransitions.Release(full, running.Job.Id, later);
        }

        return (full, later);
    }

    private static string Diff(IReadOnlyList<string> expected, IReadOnlyList<string> actual) =>
        string.Join('\n', expected.Zip(actual).Where(p => p.First != p.Second).Take(5).Select(p => $"  reference: {p.First}\n  fast:      {p.Second}"))
        + (expected.Count == actual.Count ? string.Empty : $"\n  {expected.Count} lines against {actual.Count}");
}
