using Dashboard.Data.Allocations;
using Dashboard.Data.Audit;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>What an executor that runs jobs elsewhere (Slurm) corrects through the single writer: bound GPUs, notes on a run.</summary>
public class BackendCorrectionTests
{
    [Fact]
    public async Task Two_jobs_may_swap_gpus_in_one_correction_and_it_is_persisted_and_audited()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 4)]);
        var first = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var second = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var running = engine.Feed.Current!.Snapshot.Running;
        var firstGpu = running.Single(r => r.Job.Id == first).Allocation.GpuIndices.Single();
        var secondGpu = running.Single(r => r.Job.Id == second).Allocation.GpuIndices.Single();

        var result = await engine.Engine.CorrectGpuAllocationAsync("demo-gpu-01", [(first, [secondGpu]), (second, [firstGpu])], "slurm");

        result.Succeeded.Should().BeTrue(result.Reason);
        var now = engine.Feed.Current!.Snapshot.Running;
        now.Single(r => r.Job.Id == first).Allocation.GpuIndices.Should().Equal(secondGpu);
        now.Single(r => r.Job.Id == second).Allocation.GpuIndices.Should().Equal(firstGpu);
        var store = new AllocationStore(engine.Database);
        store.ForJob(first).Single().Allocation.GpuIndices.Should().Equal(secondGpu);
        store.HeldGpus().Should().Contain(new HeldGpu("demo-gpu-01", secondGpu, first)).And.Contain(new HeldGpu("demo-gpu-01", firstGpu, second));
        new AuditStore(engine.Database).ForTarget($"job:{first}").Should().Contain(a => a.Entry.Action == "job.gpus.correct" && a.Entry.Actor == "slurm");
    }

    [Fact]
    public async Task A_correction_that_would_double_book_a_gpu_or_change_the_count_is_refused_and_changes_nothing()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 4)]);
        var first = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var second = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var before = engine.Feed.Current!.Snapshot.Running;
        var secondGpu = before.Single(r => r.Job.Id == second).Allocation.GpuIndices.Single();

        (await engine.Engine.CorrectGpuAllocationAsync("demo-gpu-01", [(first, [secondGpu])], "slurm")).Outcome.Should().Be(CommandOutcome.Conflict);
        (await engine.Engine.CorrectGpuAllocationAsync("demo-gpu-01", [(first, [2, 3])], "slurm")).Outcome.Should().Be(CommandOutcome.Conflict);
        (await engine.Engine.CorrectGpuAllocationAsync("elsewhere", [(first, [3])], "slurm")).Outcome.Should().Be(CommandOutcome.Conflict);

        engine.Feed.Current!.Snapshot.Running.Should().Equal(before);
        new AllocationStore(engine.Database).ForJob(first).Single().Allocation.GpuIndices.Should().Equal(before.Single(r => r.Job.Id == first).Allocation.GpuIndices);
    }

    [Fact]
    public async Task A_note_on_a_running_job_becomes_its_reason_and_a_row_of_its_history()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 4)]);
        var job = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));

        (await engine.Engine.NoteRunningJobAsync(job, "Slurm keeps Slurm job 7 pending: Resources")).Succeeded.Should().BeTrue();

        engine.Jobs.Find(job)!.Reason.Should().Be("Slurm keeps Slurm job 7 pending: Resources");
        engine.Jobs.Events(job).Should().ContainSingle(e => e.From == JobState.Running && e.To == JobState.Running && e.Reason == "Slurm keeps Slurm job 7 pending: Resources");
        (await engine.Engine.NoteRunningJobAsync(new JobId(999), "nothing")).Outcome.Should().Be(CommandOutcome.Conflict);
    }
}
