using Dashboard.Data.JobControl;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>Sweeps through the engine: one submit makes every job of the grid, runs at most its limit at once, and says when it finished.</summary>
public sealed class SweepEngineTests
{
    [Fact]
    public async Task A_sweep_runs_within_its_limit_and_its_end_is_published_with_the_tally()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        var points = SweepGrid.Parse("lr=[1e-4,3e-4,1e-3] x seed=[1,2]", out _);
        var mostRunning = 0;
        var finished = engine.Feed.WaitForAsync(u =>
        {
            mostRunning = Math.Max(mostRunning, u.Snapshot.Running.Count(r => r.Job.Spec.Name.StartsWith("sweep[", StringComparison.Ordinal)));
            return u.Events.OfType<SweepFinishedEvent>().Any();
        });

        var submitted = await engine.Engine.SubmitSweepAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)) with { Name = "sweep" }, points, 2, "lr=[1e-4,3e-4,1e-3] x seed=[1,2]", "alice");

        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        var sweep = submitted.Job!.Value;
        var jobs = new JobControlStore(engine.Database).SweepJobs(sweep.Value);
        jobs.Should().HaveCount(6);
        engine.Jobs.Find(jobs[5])!.Job.Spec.Command.Should().Be($"export DASH_SWEEP_ID={sweep} DASH_SWEEP_INDEX=5 LR='1e-3' SEED='2'; true");
        new JobControlStore(engine.Database).Find(jobs[5])!.SweepValuesJson.Should().Be("""{"lr":"1e-3","seed":"2"}""");
        await engine.RoundTripAsync();
        (await engine.WaitForExplanationsAsync(engine.Feed.Current!)).Explanations[jobs[2]].Reason.Describe().Should().Be($"sweep {sweep} at its limit of 2 running");

        for (var round = 0; round < 3; round++)
        {
            await engine.RoundTripAsync();

            engine.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        var update = await finished.WaitAsync(Patience);
        mostRunning.Should().Be(2, "the limit is reached and never passed");
        update.Events.OfType<SweepFinishedEvent>().Single().Should().Be(new SweepFinishedEvent(sweep.Value, "sweep", "alice", "vision", 6, 6, 0, 0, update.At));
        new JobControlStore(engine.Database).Sweep(sweep.Value)!.Describe().Should().Be("6/6 done");
    }

    [Fact]
    public async Task A_sweep_whose_jobs_can_never_fit_makes_no_job()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        var next = engine.Jobs.NextId();

        var refused = await engine.Engine.SubmitSweepAsync(Spec(gpus: 16), SweepGrid.Parse("seed=[1,2]", out _), null, "seed=[1,2]", "alice");

        refused.Outcome.Should().Be(Dashboard.Engine.Loop.CommandOutcome.NeverFits);
        engine.Jobs.NextId().Should().Be(next);
    }
}
