using Dashboard.Data.Audit;
using Dashboard.Data.JobControl;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>Hold, release and dependencies through the engine's front door: applied, explained, persisted, audited, recovered.</summary>
public sealed class JobControlEngineTests
{
    private static readonly Dictionary<JobId, JobState> NothingSeen = [];

    [Fact]
    public async Task A_held_job_never_starts_says_so_and_starts_once_released()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)]);
        var blocker = await engine.SubmitAsync(Spec(gpus: 2));
        var job = await engine.SubmitAsync(Spec(gpus: 1));

        (await engine.Engine.HoldAsync(job, HoldAuthority.Owner, "alice")).Succeeded.Should().BeTrue();
        (await engine.Engine.CancelAsync(blocker, "alice")).Succeeded.Should().BeTrue();
        await engine.RoundTripAsync();

        // Explanations are computed off the writer and follow the state they explain (the explainer may be resting).
        var now = await engine.WaitForExplanationsAsync(engine.Feed.Current!);
        now.Snapshot.Running.Should().BeEmpty("the only waiting job is held, and the GPUs are free");
        now.Explanations[job].Reason.Describe().Should().Be("held by its owner alice");
        new JobControlStore(engine.Database).Find(job)!.Hold.Should().Be(new JobHold("alice", HoldAuthority.Owner));

        var started = engine.WaitForStateAsync(job, JobState.Running);
        (await engine.Engine.ReleaseAsync(job, HoldAuthority.Owner, "alice")).Succeeded.Should().BeTrue();
        await started;

        new AuditStore(engine.Database).ForTarget($"job:{job}").Select(a => a.Entry.Action).Should().Contain(["job.hold", "job.release"]);
        new JobControlStore(engine.Database).Find(job)!.Hold.Should().BeNull();
    }

    [Fact]
    public async Task An_admins_hold_is_not_released_by_the_owner_and_survives_a_restart()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-hold-restart-").FullName;
        try
        {
            JobId job;
            await using (var first = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], folder: folder))
            {
                await first.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
                job = await first.SubmitAsync(Spec(gpus: 1));
                (await first.Engine.HoldAsync(job, HoldAuthority.Admin, "root")).Succeeded.Should().BeTrue();

                var refused = await first.Engine.ReleaseAsync(job, HoldAuthority.Owner, "alice");

                refused.Outcome.Should().Be(CommandOutcome.Forbidden);
                refused.Reason.Should().Be($"job {job} is held by admin root; only an admin can release it");
            }

            await using var second = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], folder: folder, clock: new(Start + TimeSpan.FromHours(3)));
            await second.RoundTripAsync();

            second.Feed.Current!.Snapshot.Controls.Holds[job].Should().Be(new JobHold("root", HoldAuthority.Admin));
            second.Feed.Current.Snapshot.Running.Should().BeEmpty("the held job does not start on the free GPU after the restart");
            (await second.Engine.ReleaseAsync(job, HoldAuthority.Admin, "root")).Succeeded.Should().BeTrue();
            await second.WaitForStateAsync(job, JobState.Running);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_running_or_ended_job_cannot_be_held()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        var job = await engine.SubmitAsync(Spec(gpus: 1));

        var refused = await engine.Engine.HoldAsync(job, HoldAuthority.Admin, "root");

        refused.Outcome.Should().Be(CommandOutcome.Conflict);
        refused.Reason.Should().Contain("is running; only a waiting job can be held");
    }

    [Fact]
    public async Task A_dependent_job_waits_for_its_job_to_succeed_and_then_starts()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 4)]);
        var first = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        var after = await engine.Engine.SubmitAfterAsync(Spec(gpus: 1), [new DependencyTerm(first, DependencyRule.AfterOk)], NothingSeen, held: false, "alice");
        after.Succeeded.Should().BeTrue(after.Reason);
        var second = after.Job!.Value;
        await engine.RoundTripAsync();

        (await engine.WaitForExplanationsAsync(engine.Feed.Current!)).Explanations[second].Reason.Describe().Should().Be($"waits for job {first} to succeed");
        new JobControlStore(engine.Database).Find(second)!.DependsOn.Should().Equal(new DependencyTerm(first, DependencyRule.AfterOk));

        var started = engine.WaitForStateAsync(second, JobState.Running);
        engine.Clock.Advance(TimeSpan.FromMinutes(5));
        var update = await started;

        engine.Jobs.Find(first)!.State.Should().Be(JobState.Succeeded);
        update.Snapshot.Controls.Dependencies.Should().BeEmpty("a started job no longer waits");
    }

    [Fact]
    public async Task A_dependency_that_can_never_be_met_ends_the_job_with_the_reason_and_the_other_rule_runs()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        var blocker = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var first = await engine.SubmitAsync(Spec(gpus: 1));
        var onSuccess = (await engine.Engine.SubmitAfterAsync(Spec(gpus: 1), [new DependencyTerm(first, DependencyRule.AfterOk)], NothingSeen, false, "alice")).Job!.Value;
        var onFailure = (await engine.Engine.SubmitAfterAsync(Spec(gpus: 1), [new DependencyTerm(first, DependencyRule.AfterNotOk)], NothingSeen, false, "alice")).Job!.Value;
        var chained = (await engine.Engine.SubmitAfterAsync(Spec(gpus: 1), [new DependencyTerm(onSuccess, DependencyRule.AfterOk)], NothingSeen, false, "alice")).Job!.Value;

        var doomed = engine.WaitForStateAsync(chained, JobState.Cancelled);
        (await engine.Engine.CancelAsync(first, "alice")).Succeeded.Should().BeTrue();
        await doomed;

        engine.Jobs.Find(onSuccess)!.Reason.Should().Be($"dependency never met: job {first} ended Cancelled, and this job was to run only after it succeeded");
        engine.Jobs.Find(chained)!.Reason.Should().StartWith($"dependency never met: job {onSuccess} ended Cancelled");
        var freed = engine.WaitForStateAsync(onFailure, JobState.Running);
        (await engine.Engine.CancelAsync(blocker, "alice")).Succeeded.Should().BeTrue();
        await freed;
    }

    [Fact]
    public async Task A_submit_after_a_job_that_already_ended_the_wrong_way_is_refused_and_changes_nothing()
    {
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        var first = await engine.SubmitAsync(Spec(gpus: 1));
        var ended = engine.WaitForStateAsync(first, JobState.Cancelled);
        (await engine.Engine.CancelAsync(first, "alice")).Succeeded.Should().BeTrue();
        await ended; // a running job's cancel answers while it stops; the dependency is judged on its end
        var nextId = engine.Jobs.NextId();

        var refused = await engine.Engine.SubmitAfterAsync(Spec(gpus: 1), [new DependencyTerm(first, DependencyRule.AfterOk)], new Dictionary<JobId, JobState> { [first] = JobState.Cancelled }, false, "alice");
        var allowed = await engine.Engine.SubmitAfterAsync(Spec(gpus: 1), [new DependencyTerm(first, DependencyRule.AfterAny)], new Dictionary<JobId, JobState> { [first] = JobState.Cancelled }, false, "alice");

        refused.Outcome.Should().Be(CommandOutcome.Invalid);
        refused.Errors.Should().ContainSingle().Which.Message.Should().Be($"job {first} already ended Cancelled: a job that runs only after it succeeds would never start");
        allowed.Job.Should().Be(nextId, "the refused submit took no id");
        await engine.WaitForStateAsync(allowed.Job!.Value, JobState.Running);
    }
}
