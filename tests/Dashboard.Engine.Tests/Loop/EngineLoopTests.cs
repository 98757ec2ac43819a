using Dashboard.Data.Writing;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

public class EngineLoopTests
{
    [Fact]
    public async Task A_submitted_job_is_allocated_runs_exits_and_its_GPUs_are_released()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)]);

        var job = await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromMinutes(10)));

        var running = engine.Feed.Current!;
        running.Snapshot.Running.Should().ContainSingle(r => r.Job.Id == job).Which.Allocation.GpuIndices.Should().Equal(0, 1);
        running.Summary.GpusUsed.Should().Be(2);
        engine.Jobs.Find(job)!.State.Should().Be(JobState.Running, "the allocation was committed before the submit was answered");

        var ended = engine.WaitForStateAsync(job, JobState.Succeeded);
        await engine.RoundTripAsync(); // the simulated executor has armed the job's end on the clock before it moves
        engine.Clock.Advance(SimulatedExecutor.RuntimeOf(running.Snapshot.Running[0].Job));
        var after = await ended;

        after.Summary.GpusUsed.Should().Be(0);
        var stored = engine.Jobs.Find(job)!;
        stored.State.Should().Be(JobState.Succeeded);
        stored.ExitCode.Should().Be(0);
        engine.Jobs.Events(job).Select(e => e.To).Should().EndWith([JobState.Running, JobState.Succeeded]);
    }

    [Fact]
    public async Task A_job_that_finds_its_GPU_busy_queues_and_starts_when_it_is_released()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        var first = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));

        var second = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));

        var queued = await engine.WaitForExplanationsAsync(engine.Feed.Current!);
        queued.Snapshot.Pending.Find(second).Should().NotBeNull();
        queued.Explanations[second].EstimatedStart.Should().Be(Start + TimeSpan.FromMinutes(10), "the first job's walltime bounds its end");
        var started = engine.WaitForStateAsync(second, JobState.Running);
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        (await started).Snapshot.Running.Should().ContainSingle(r => r.Job.Id == second);
        engine.Jobs.Find(first)!.State.Should().Be(JobState.Succeeded);
    }

    [Fact]
    public async Task A_request_that_can_never_fit_is_refused_at_once_and_nothing_is_stored()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);

        var result = await engine.Engine.SubmitAsync(Spec(gpus: 16), "alice");

        result.Succeeded.Should().BeFalse();
        result.Reason.Should().Be("needs 16 GPUs; the largest node has 8");
        engine.Jobs.NextId().Value.Should().Be(1);
    }

    [Fact]
    public async Task Invalid_input_is_refused_with_field_errors()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01")]);

        var result = await engine.Engine.SubmitAsync(Spec(command: " ", cpuMillicores: 0), "alice");

        result.Succeeded.Should().BeFalse();
        result.Errors.Select(e => e.Field).Should().BeEquivalentTo(["command", "cpu"]);
    }

    [Fact]
    public async Task Cancelling_a_pending_job_ends_it_without_running()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        await engine.SubmitAsync(Spec(gpus: 1));
        var waiting = await engine.SubmitAsync(Spec(gpus: 1));

        var result = await engine.Engine.CancelAsync(waiting, "alice");

        result.Succeeded.Should().BeTrue();
        engine.Feed.Current!.Snapshot.Pending.Find(waiting).Should().BeNull();
        var stored = engine.Jobs.Find(waiting)!;
        stored.State.Should().Be(JobState.Cancelled);
        stored.Reason.Should().Be("cancelled by alice");
    }

    [Fact]
    public async Task Cancelling_a_running_job_stops_it_and_frees_its_GPUs()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 4)]);
        var job = await engine.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(2)));
        var cancelled = engine.WaitForStateAsync(job, JobState.Cancelled);

        var result = await engine.Engine.CancelAsync(job, "bob");

        result.Succeeded.Should().BeTrue();
        (await cancelled).Summary.GpusUsed.Should().Be(0);
        var stored = engine.Jobs.Find(job)!;
        stored.State.Should().Be(JobState.Cancelled);
        stored.Reason.Should().Be("cancelled by bob");
    }

    [Fact]
    public async Task A_job_past_its_walltime_is_stopped_and_ends_as_timed_out()
    {
        await using var engine = await EngineHarness.StartAsync([LocalNode(gpus: 1)]);
        var started = Path.Combine(engine.Folder, "started.fifo");
        Dashboard.Engine.Tests.Execution.TestIsolation.MakePipe(started);

        var job = await engine.SubmitAsync(Spec(command: $"echo up > {started}; exec sleep 600", gpus: 1, walltime: TimeSpan.FromMinutes(1)));
        (await File.ReadAllTextAsync(started).WaitAsync(Patience)).Should().Be("up\n", "the workload is running before its walltime passes");
        var timedOut = engine.WaitForStateAsync(job, JobState.TimedOut);

        engine.Clock.Advance(TimeSpan.FromMinutes(1));
        await timedOut;

        var stored = engine.Jobs.Find(job)!;
        stored.State.Should().Be(JobState.TimedOut);
        stored.Reason.Should().Be("reached its walltime of 1 min");
        stored.ExitCode.Should().Be(143);
    }

    [Fact]
    public async Task A_burst_of_a_thousand_submits_in_one_batch_is_one_transaction()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        var (blocker, release) = await engine.HoldABlockerAsync();
        var before = engine.Journal.Committed.Count;

        var burst = Enumerable.Range(0, 1_000).Select(_ => engine.Engine.SubmitAsync(Spec(gpus: 1), "alice")).ToList();
        release();
        var results = await Task.WhenAll(burst).WaitAsync(Patience);
        await blocker;

        results.Should().OnlyContain(r => r.Succeeded);
        var transactions = engine.Journal.Committed.Skip(before).ToList();
        transactions.Should().HaveCount(2, "the blocker's transaction, then one for the whole burst");
        transactions[1].OfType<JobSubmitted>().Should().HaveCount(1_000);
        results.Select(r => r.Job!.Value).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task A_batch_that_cannot_be_committed_is_refused_and_changes_nothing()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)]);
        engine.Journal.Before = _ => throw new IOException("disk full");

        var submit = () => engine.Engine.SubmitAsync(Spec(gpus: 1), "alice");

        (await submit.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*could not be saved*disk full*");
        engine.Feed.Current!.Snapshot.Pending.Count.Should().Be(0);
        engine.Feed.Current.Snapshot.Running.Should().BeEmpty();
        engine.Journal.Before = null;
        var accepted = await engine.SubmitAsync(Spec(gpus: 1));
        accepted.Value.Should().Be(1, "the failed submit's id was given back with the rest of its batch");
    }
}
