using System.Collections.Immutable;
using Dashboard.Data.JobControl;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// A sweep's jobs coming back through the engine: failed jobs resubmitted join the sweep at their indexes and replace
/// the failures in its progress; an ended job requeued inside a running sweep keeps its place; the limit holds for both.
/// </summary>
public sealed class SweepRetryEngineTests
{
    [Fact]
    public async Task Resubmitted_failed_jobs_join_their_sweep_wait_for_its_limit_and_replace_the_failures_in_its_progress()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        var mostRunning = 0;
        var finishes = new List<SweepFinishedEvent>();
        var finished = engine.Feed.WaitForAsync(u =>
        {
            mostRunning = Math.Max(mostRunning, u.Snapshot.Running.Count(r => r.Job.Spec.Name.StartsWith("sweep[", StringComparison.Ordinal)));
            finishes.AddRange(u.Events.OfType<SweepFinishedEvent>());
            return finishes.Count > 0;
        });
        var submitted = await engine.Engine.SubmitSweepAsync(Spec(walltime: TimeSpan.FromMinutes(10)) with { Name = "sweep" }, SweepGrid.Parse("seed=[1,2,3]", out _), 1, "seed=[1,2,3]", "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        var sweep = submitted.Job!.Value.Value;
        var jobs = new JobControlStore(engine.Database).SweepJobs(sweep);

        await FailAsync(engine, jobs[0]);
        await FailAsync(engine, jobs[1]);
        await engine.WaitForStateAsync(jobs[2], JobState.Running);
        engine.Jobs.Sweep(sweep)!.Progress.Should().Be("0/3 done, 2 failed, 1 running");

        var stored = engine.Jobs.Sweep(sweep)!;
        var retries = stored.Jobs.Where(j => j.Record.State == JobState.Failed)
            .Select(j => new SweepRetry(j.Record.Job.Id, j.Record.State, j.Record.Job.Spec, j.Index, j.ValuesJson!))
            .ToImmutableArray();
        var answer = await engine.Engine.ResubmitSweepJobsAsync(sweep, retries, stored.ToTally(), "alice");

        answer.Succeeded.Should().BeTrue(answer.Reason);
        var again = engine.Jobs.Sweep(sweep)!.Jobs.Select(j => j.Record.Job.Id).Except(jobs).ToList();
        again.Should().HaveCount(2);
        again.Select(id => engine.Jobs.SweepPlace(id)).Should().Equal(new SweepMember(sweep, 0), new SweepMember(sweep, 1));
        new JobControlStore(engine.Database).Find(again[1])!.SweepValuesJson.Should().Be("""{"seed":"2"}""");
        engine.Jobs.Sweep(sweep)!.Progress.Should().Be("0/3 done, 1 running, 2 waiting", "the new attempts replace the failures");
        await engine.RoundTripAsync();
        (await engine.WaitForExplanationsAsync(engine.Feed.Current!)).Explanations[again[0]].Reason.Describe().Should().Be($"sweep {sweep} at its limit of 1 running");

        var refused = await engine.Engine.ResubmitSweepJobsAsync(sweep, retries, stored.ToTally(), "alice");
        refused.Succeeded.Should().BeFalse("each index already runs again");

        for (var round = 0; round < 4 && !finished.IsCompleted; round++)
        {
            await engine.RoundTripAsync();
            engine.Clock.Advance(SimulatedExecutor.RuntimeOf(engine.Jobs.Find(jobs[2])!.Job));
        }

        var update = await finished.WaitAsync(Patience);
        mostRunning.Should().Be(1, "the new attempts run within the sweep's limit");
        finishes.Should().Equal(new SweepFinishedEvent(sweep, "sweep", "alice", "vision", 3, 3, 0, 0, update.At));
        new JobControlStore(engine.Database).Sweep(sweep)!.Describe().Should().Be("3/3 done");
        engine.Jobs.Sweep(sweep)!.Progress.Should().Be("3/3 done");
    }

    [Fact]
    public async Task An_ended_job_requeued_inside_a_running_sweep_keeps_its_place_and_the_limit()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        var mostRunning = 0;
        var finishes = new List<SweepFinishedEvent>();
        var finished = engine.Feed.WaitForAsync(u =>
        {
            mostRunning = Math.Max(mostRunning, u.Snapshot.Running.Count(r => r.Job.Spec.Name.StartsWith("sweep[", StringComparison.Ordinal)));
            finishes.AddRange(u.Events.OfType<SweepFinishedEvent>());
            return finishes.Count > 0;
        });
        var submitted = await engine.Engine.SubmitSweepAsync(Spec(walltime: TimeSpan.FromMinutes(10)) with { Name = "sweep" }, SweepGrid.Parse("seed=[1,2]", out _), 1, "seed=[1,2]", "alice");
        var sweep = submitted.Job!.Value.Value;
        var jobs = new JobControlStore(engine.Database).SweepJobs(sweep);
        await engine.WaitForStateAsync(jobs[0], JobState.Running);
        await engine.RoundTripAsync();
        var firstEnded = engine.WaitForStateAsync(jobs[0], JobState.Succeeded);
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        await firstEnded;
        await engine.WaitForStateAsync(jobs[1], JobState.Running);

        var stored = engine.Jobs.Find(jobs[0])!;
        var answer = await engine.Engine.RequeueAsync(jobs[0], stored.Job, stored.State, "alice", engine.Jobs.SweepPlace(jobs[0]), engine.Jobs.Sweep(sweep)!.ToTally());

        answer.Succeeded.Should().BeTrue(answer.Reason);
        await engine.RoundTripAsync();
        (await engine.WaitForExplanationsAsync(engine.Feed.Current!)).Explanations[jobs[0]].Reason.Describe().Should().Be($"sweep {sweep} at its limit of 1 running");
        engine.Jobs.Sweep(sweep)!.Progress.Should().Be("0/2 done, 1 running, 1 waiting");

        for (var round = 0; round < 4 && !finished.IsCompleted; round++)
        {
            await engine.RoundTripAsync();
            engine.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        var update = await finished.WaitAsync(Patience);
        mostRunning.Should().Be(1);
        finishes.Should().Equal([new SweepFinishedEvent(sweep, "sweep", "alice", "vision", 2, 2, 0, 0, update.At)], "the sweep finishes once, when the requeued job has run again");
        engine.Jobs.Events(jobs[0]).Select(e => e.To).Should().ContainInOrder(JobState.Running, JobState.Succeeded, JobState.Pending, JobState.Running, JobState.Succeeded);
    }

    /// <summary>Waits for the job to run, then ends it with exit code 3 as a failing program would.</summary>
    private static async Task FailAsync(EngineHarness engine, JobId job)
    {
        await engine.WaitForStateAsync(job, JobState.Running);
        var failed = engine.WaitForStateAsync(job, JobState.Failed);
        await engine.Inbox.JobExitedAsync(new JobExit(job, 3, engine.Clock.GetUtcNow(), null));
        await failed;
    }
}
