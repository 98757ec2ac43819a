using Dashboard.Data.Audit;
using Dashboard.Data.JobControl;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>Editing a waiting job and requeueing a running or ended one through the engine: checked, applied, persisted, audited.</summary>
public sealed class EditAndRequeueEngineTests
{
    [Fact]
    public async Task An_edit_of_a_waiting_job_is_applied_stored_and_audited_with_before_and_after()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)]);
        await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        var job = await engine.SubmitAsync(Spec(gpus: 1));
        var edited = Spec(gpus: 2, walltime: TimeSpan.FromMinutes(30), command: "python train.py") with { Name = "train-v2", Priority = 5, Team = "ignored", Owner = "mallory" };

        var answer = await engine.Engine.EditAsync(job, edited, "alice");

        answer.Succeeded.Should().BeTrue(answer.Reason);
        var stored = engine.Jobs.Find(job)!;
        stored.State.Should().Be(JobState.Pending);
        stored.Job.Spec.Should().Be(edited with { Team = "vision", Owner = "alice" }, "an edit keeps the job's owner and team");
        engine.Feed.Current!.Snapshot.Pending.Find(job)!.Spec.Name.Should().Be("train-v2");
        var audit = new AuditStore(engine.Database).ForTarget($"job:{job}").Single(a => a.Entry.Action == "job.edit").Entry;
        audit.Actor.Should().Be("alice");
        audit.BeforeJson.Should().Contain("\"Name\":\"job\"").And.Contain("\"Gpus\":1");
        audit.AfterJson.Should().Contain("\"Name\":\"train-v2\"").And.Contain("\"Gpus\":2").And.Contain("\"Priority\":5");
    }

    [Fact]
    public async Task An_edit_is_checked_like_a_submit_and_a_refused_one_changes_nothing()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)], quotas: [Quota("vision") with { MaxPriority = 10 }]);
        await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromHours(2)));
        var job = await engine.SubmitAsync(Spec(gpus: 1));

        var tooBig = await engine.Engine.EditAsync(job, Spec(gpus: 4), "alice");
        var badName = await engine.Engine.EditAsync(job, Spec() with { Name = "bad\u0007name" }, "alice");
        var tooHigh = await engine.Engine.EditAsync(job, Spec() with { Priority = 50 }, "alice");

        tooBig.Outcome.Should().Be(CommandOutcome.NeverFits);
        badName.Outcome.Should().Be(CommandOutcome.Invalid);
        badName.Errors.Single().Field.Should().Be("name");
        tooHigh.Outcome.Should().Be(CommandOutcome.NeverFits);
        tooHigh.Reason.Should().Contain("above team vision's maximum of 10");
        engine.Jobs.Find(job)!.Job.Spec.Should().Be(Spec(gpus: 1));
        new AuditStore(engine.Database).ForTarget($"job:{job}").Should().NotContain(a => a.Entry.Action == "job.edit");
    }

    [Fact]
    public async Task A_running_or_ended_job_is_not_edited_and_the_reason_says_why()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)]);
        var running = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var ended = await engine.SubmitAsync(Spec(gpus: 1));
        (await engine.Engine.CancelAsync(ended, "alice")).Succeeded.Should().BeTrue();
        await engine.WaitForStateAsync(running, JobState.Running);

        var onRunning = await engine.Engine.EditAsync(running, Spec(gpus: 2), "alice");
        var onEnded = await engine.Engine.EditAsync(ended, Spec(gpus: 2), "alice");

        onRunning.Outcome.Should().Be(CommandOutcome.Conflict);
        onRunning.Reason.Should().Be($"job {running} is running; only a waiting job can be edited (requeue it to put it back in the queue first)");
        onEnded.Outcome.Should().Be(CommandOutcome.Conflict);
        onEnded.Reason.Should().Contain("only a waiting job can be edited");
        engine.Jobs.Find(running)!.Job.Spec.Request.Gpus.Should().Be(1);
    }

    [Fact]
    public async Task A_requeued_running_job_releases_its_allocation_keeps_its_id_and_is_never_running_twice()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        var job = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        await engine.WaitForStateAsync(job, JobState.Running);
        await engine.RoundTripAsync();
        var mostRunning = 0;
        var backInQueue = engine.Feed.WaitForAsync(u =>
        {
            mostRunning = Math.Max(mostRunning, u.Snapshot.Running.Count(r => r.Job.Id == job));
            return u.Events.OfType<Feed.JobStateChangedEvent>().Any(e => e.Job == job && e.From == JobState.Running && e.To == JobState.Pending);
        });

        var answer = await engine.Engine.RequeueAsync(job, null, null, "alice");

        answer.Outcome.Should().Be(CommandOutcome.Stopping);
        await backInQueue.WaitAsync(Patience);
        var again = await engine.WaitForStateAsync(job, JobState.Running);
        mostRunning.Should().Be(1);
        again.Snapshot.Running.Count(r => r.Job.Id == job).Should().Be(1, "the same job, by the same id, runs once again");
        var events = engine.Jobs.Events(job);
        events.Should().Contain(e => e.From == JobState.Running && e.To == JobState.Pending && e.Reason == "requeued by alice");
        new JobControlStore(engine.Database).Attempts(job).Should().Be(2);
        new AuditStore(engine.Database).ForTarget($"job:{job}").Should().Contain(a => a.Entry.Action == "job.requeue");
    }

    [Fact]
    public async Task An_ended_job_is_requeued_with_its_id_and_history_and_runs_again()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        var job = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        var ended = engine.WaitForStateAsync(job, JobState.Succeeded);
        await engine.RoundTripAsync();
        engine.Clock.Advance(TimeSpan.FromMinutes(6));
        await ended;
        var stored = engine.Jobs.Find(job)!;

        var started = engine.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == job));
        var answer = await engine.Engine.RequeueAsync(job, stored.Job, stored.State, "alice");

        answer.Succeeded.Should().BeTrue(answer.Reason);
        await started;
        engine.Jobs.Find(job)!.State.Should().Be(JobState.Running);
        engine.Jobs.Events(job).Select(e => (e.From, e.To)).Should().ContainInOrder(
            (JobState.Running, JobState.Succeeded), (JobState.Succeeded, JobState.Pending), (JobState.Pending, JobState.Running));
        new JobControlStore(engine.Database).Attempts(job).Should().Be(2);
    }

    [Fact]
    public async Task A_waiting_job_is_not_requeued()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var waiting = await engine.SubmitAsync(Spec(gpus: 1));

        var answer = await engine.Engine.RequeueAsync(waiting, null, null, "alice");

        answer.Outcome.Should().Be(CommandOutcome.Conflict);
        answer.Reason.Should().Be($"job {waiting} is already waiting in the queue");
    }
}
