using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

/// <summary>
/// No thrash across restarts (issue 20): a job preempted once is not preempted again, and the count that says so is
/// stored with the job (db/0017), so a restarted engine over the same SQLite file still spares it.
/// </summary>
public class PreemptionCountEngineTests
{
    private static readonly SchedulerSettings Settings = SchedulerSettings.Default with { MinRunBeforePreemption = TimeSpan.Zero, MaxPreemptionsPerJob = 1 };

    private static TeamQuota Quota(string team, int nominal, int borrow) =>
        new(team, new ResourceAmount(nominal, 256_000, 2048 * 1024), new ResourceAmount(borrow, 256_000, 2048 * 1024));

    private static readonly TeamQuota[] Quotas = [Quota("vision", nominal: 4, borrow: 4), Quota("audio", nominal: 4, borrow: 0)];

    [Fact]
    public async Task A_preempted_job_is_not_preempted_again_after_the_engine_restarts()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-preempt-restart-").FullName;
        try
        {
            JobId borrowing;
            var clock = new FakeTimeProvider(Start);
            await using (var first = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], Quotas, folder: folder, clock: clock, settings: Settings))
            {
                await first.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(4)));
                borrowing = await first.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(4)));
                first.Feed.Current!.Snapshot.Running.Single(r => r.Job.Id == borrowing).Borrowing.Should().BeTrue();

                // Audio, within its quota, takes the borrowed GPUs back; its job runs 2 simulated minutes (half its walltime;
                // the others run the simulated executor's longest, 10 minutes).
                var preempted = first.WaitForAsync(u => u.Snapshot.Pending.Find(borrowing) is not null);
                await first.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromMinutes(4), team: "audio", owner: "carol"));
                (await preempted).Snapshot.Pending.Find(borrowing)!.TimesPreempted.Should().Be(1);
                first.Jobs.Find(borrowing)!.Job.TimesPreempted.Should().Be(1, "the count is stored with the requeue");

                var restarted = first.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == borrowing));
                await first.RoundTripAsync();
                clock.Advance(TimeSpan.FromMinutes(2));
                (await restarted).Snapshot.Running.Single(r => r.Job.Id == borrowing).Borrowing.Should().BeTrue("it borrows again once audio's job ended");
                await first.RoundTripAsync();
            }

            await using var second = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], Quotas, folder: folder, clock: new FakeTimeProvider(clock.GetUtcNow()), settings: Settings);
            second.Feed.Current!.Snapshot.Running.Single(r => r.Job.Id == borrowing).Job.TimesPreempted.Should().Be(1, "recovery reads the count back");

            var audio = await second.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromMinutes(4), team: "audio", owner: "carol"));
            await second.RoundTripAsync();

            var now = second.Feed.Current!.Snapshot;
            now.Running.Should().Contain(r => r.Job.Id == borrowing, "a job preempted once is not preempted again, even after a restart");
            now.Pending.Find(audio).Should().NotBeNull("audio waits for the borrowed GPUs to free");
            second.Jobs.Events(borrowing).Count(e => e.From == JobState.Running && e.To == JobState.Pending).Should().Be(1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Without_the_limit_the_restarted_engine_preempts_the_job_again()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-preempt-again-").FullName;
        var unlimited = Settings with { MaxPreemptionsPerJob = null };
        try
        {
            JobId borrowing;
            var clock = new FakeTimeProvider(Start);
            await using (var first = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], Quotas, folder: folder, clock: clock, settings: unlimited))
            {
                await first.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(4)));
                borrowing = await first.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromHours(4)));
                var preempted = first.WaitForAsync(u => u.Snapshot.Pending.Find(borrowing) is not null);
                await first.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromMinutes(4), team: "audio", owner: "carol"));
                await preempted;
                var restarted = first.WaitForAsync(u => u.Snapshot.Running.Any(r => r.Job.Id == borrowing));
                await first.RoundTripAsync();
                clock.Advance(TimeSpan.FromMinutes(2));
                await restarted;
                await first.RoundTripAsync();
            }

            await using var second = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 8)], Quotas, folder: folder, clock: new FakeTimeProvider(clock.GetUtcNow()), settings: unlimited);
            var again = second.WaitForAsync(u => u.Snapshot.Pending.Find(borrowing) is not null);
            await second.SubmitAsync(Spec(gpus: 4, walltime: TimeSpan.FromMinutes(4), team: "audio", owner: "carol"));

            (await again).Snapshot.Pending.Find(borrowing)!.TimesPreempted.Should().Be(2);
            second.Jobs.Find(borrowing)!.Job.TimesPreempted.Should().Be(2);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_persons_requeue_of_a_running_job_is_not_counted_as_a_preemption()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], settings: Settings);
        var job = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        await engine.WaitForStateAsync(job, JobState.Running);
        await engine.RoundTripAsync();
        var backInQueue = engine.WaitForAsync(u => u.Events.OfType<Feed.JobStateChangedEvent>().Any(e => e.Job == job && e.From == JobState.Running && e.To == JobState.Pending));

        (await engine.Engine.RequeueAsync(job, null, null, "alice")).Outcome.Should().Be(CommandOutcome.Stopping);
        await backInQueue;
        var again = await engine.WaitForStateAsync(job, JobState.Running);

        again.Snapshot.Running.Single(r => r.Job.Id == job).Job.TimesPreempted.Should().Be(0);
        engine.Jobs.Find(job)!.Job.TimesPreempted.Should().Be(0);
    }
}
