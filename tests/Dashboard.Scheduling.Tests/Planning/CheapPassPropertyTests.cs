using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Tests.Builders;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;

namespace Dashboard.Scheduling.Tests.Planning;

/// <summary>
/// The cheap pass is the full pass where it is taken: whenever <see cref="CheapPass.DecidesNothing"/> says so, the full
/// <see cref="Scheduler.Plan(ClusterSnapshot, DateTimeOffset)"/> starts, refuses and preempts nothing, the state it
/// leaves (the snapshot after the plan is applied) is the state before it, and the waiting jobs' reasons
/// <see cref="CheapPass.PendingOf"/> gives are the full pass's, line for line. Random clusters are played through
/// random operations (quota waits, borrowing, reclaim with and without limits, backfill depths, draining and down
/// nodes); at each step, before and after the step's own pass, a random batch of submits is added (as the engine
/// adds them: a job that can never fit is refused at the door) and the pass is run at a random later time (aging,
/// starvation and draining move with it).
/// </summary>
public sealed class CheapPassPropertyTests
{
    [Fact]
    public void Where_the_cheap_pass_is_taken_the_full_pass_decides_nothing_and_leaves_the_same_state()
    {
        var config = Config.QuickThrowOnFailure
            .WithMaxTest(Scenarios.Cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(1919, 0x9E3779B97F4A7C15UL), FSharpOption<int>.None)));
        var cases = from scenario in Scenarios.Scenario(mixedNodes: true)
                    from batches in Gen.ArrayOf(Batch(scenario.Quotas.Length), 30)
                    from laterMinutes in Gen.ArrayOf(Gen.Frequency((4, Gen.Constant(0)), (2, Gen.Choose(1, 60)), (1, Gen.Choose(200, 2_000))), 30)
                    select (Scenario: scenario, Batches: batches, Later: laterMinutes);
        var seen = new Dictionary<string, int>();
        FsCheck.Check.One(config, Prop.ForAll(Arb.From(cases), c => ScenarioPlayer.Play(c.Scenario, step =>
        {
            var batch = c.Batches[step.Step % c.Batches.Length];
            var later = step.Now.AddMinutes(c.Later[step.Step % c.Later.Length]);
            foreach (var (state, when) in new[] { (step.Before, "before"), (step.Applied, "after") })
            {
                var snapshot = Submitted(state, batch, step.Now);
                var full = Scheduler.Plan(snapshot, later);
                var cheap = CheapPass.DecidesNothing(snapshot);
                Count(seen, cheap ? "cheap" : "full");
                Count(seen, !cheap && full.Starts.IsEmpty && full.Refusals.IsEmpty && full.Preemptions.IsEmpty ? "full, deciding nothing" : "other");
                if (!cheap)
                {
                    continue;
                }

                Count(seen, snapshot.Pending.Count > 0 ? "cheap with waiting jobs" : "cheap with none waiting");
                Count(seen, full.Pending.Any(p => p.Reservation is not null) ? "cheap with reservations" : "cheap without reservations");
                var fullLines = PlanText.Lines(full);
                var cheapLines = PlanText.Lines(new SchedulePlan([], [], [], CheapPass.PendingOf(snapshot, later)));
                var applied = ClusterTransitions.ApplyPlan(snapshot, full);
                if (!fullLines.SequenceEqual(cheapLines)
                    || !applied.Pending.AllJobs.Select(j => j.Id).SequenceEqual(snapshot.Pending.AllJobs.Select(j => j.Id))
                    || !applied.Running.Select(r => r.Allocation).SequenceEqual(snapshot.Running.Select(r => r.Allocation)))
                {
                    throw new InvalidOperationException($"step {step.Step} ({when} its pass), {batch.Length} submits, planned at {later:O}:\n full pass:\n{string.Join('\n', fullLines)}\n cheap pass:\n{string.Join('\n', cheapLines)}");
                }
            }
        })));

        seen.Keys.Should().Contain(["cheap", "full", "cheap with waiting jobs", "cheap with reservations"], "the random cases take both paths, and the cheap one with backfill reservations standing");
        seen["cheap with waiting jobs"].Should().BeGreaterThan(500, "the cheap pass is checked on many full clusters");
    }

    /// <summary>The snapshot after <paramref name="batch"/> is submitted at <paramref name="now"/>, each job refused as the engine refuses it when it can never fit.</summary>
    private static ClusterSnapshot Submitted(ClusterSnapshot snapshot, JobSpec[] batch, DateTimeOffset now)
    {
        var next = 1 + snapshot.Pending.AllJobs.Select(j => j.Id.Value).Concat(snapshot.Running.Select(r => r.Job.Id.Value)).DefaultIfEmpty(0).Max();
        foreach (var spec in batch)
        {
            if (NeverFits.Check(snapshot, spec) is null)
            {
                snapshot = ClusterTransitions.Submit(snapshot, new Job(new JobId(next++), spec, now));
            }
        }

        return snapshot;
    }

    private static void Count(Dictionary<string, int> seen, string key) => seen[key] = seen.GetValueOrDefault(key) + 1;

    /// <summary>One to eight submits of the teams (or a team without quota): mostly GPU jobs, some CPU-only, some urgent.</summary>
    private static Gen<JobSpec[]> Batch(int teamCount) =>
        from size in Gen.Choose(1, 8)
        from specs in Gen.ArrayOf(Spec(teamCount), size)
        select specs;

    private static Gen<JobSpec> Spec(int teamCount) =>
        from team in Gen.Frequency((30, Gen.Choose(0, teamCount - 1)), (1, Gen.Constant(teamCount)))
        from gpus in Gen.Frequency((1, Gen.Constant(0)), (10, Gen.Choose(1, 2)), (4, Gen.Choose(3, 8)), (1, Gen.Choose(9, 12)))
        from halfCores in Gen.Elements(1, 2, 8, 32)
        from memoryGiB in Gen.Elements(1, 16, 64)
        from walltime in Gen.Frequency((1, Gen.Constant<int?>(null)), (4, Gen.Choose(10, 240).Select(m => (int?)m)))
        from priority in Gen.Frequency((10, Gen.Choose(0, 3)), (2, Gen.Constant(10)))
        from model in Gen.Frequency((6, Gen.Constant<string?>(null)), (2, Gen.Elements<string?>("A100", "H100")))
        select new JobSpec(
            "batch",
            "dave",
            Scenarios.TeamName(team),
            "train",
            new ResourceRequest(gpus, halfCores * 500L, memoryGiB * Units.MiBPerGiB, gpus == 0 ? null : model),
            Walltime: walltime is { } minutes ? TimeSpan.FromMinutes(minutes) : null,
            Priority: priority);
}
