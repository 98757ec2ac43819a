using System.Collections.Immutable;
using Dashboard.Data.Notifications;
using Dashboard.Data.Writing;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Notifications;
using Dashboard.Engine.Tests.Loop;
using Dashboard.Scheduling.Model;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Notifications;

/// <summary>The engine writes notifications in the transaction of the state change that caused them (a real engine on SQLite).</summary>
public sealed class NotificationParticipantTests
{
    private static readonly NotificationOptions Options = new() { PublicUrl = "https://dash.example/", WaitingScanInterval = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task A_job_that_starts_and_succeeds_tells_its_owner_with_its_numbers_in_the_same_transaction()
    {
        var alice = NotificationPreferences.DefaultFor("alice") with
        {
            Email = "alice@example.com",
            Choices = ImmutableDictionary<(NotificationKind, NotificationChannel), bool>.Empty.Add((NotificationKind.JobSucceeded, NotificationChannel.Email), true),
        };
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty.Add("alice", alice));
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)], participants: [new NotificationParticipant(directory, Options)]);
        var told = engine.Feed.WaitForAsync(u => u.Events.OfType<NotificationsQueuedEvent>().Any(e => e.Recipients.Contains("alice")));

        var job = await engine.SubmitAsync(Spec(gpus: 2, walltime: TimeSpan.FromMinutes(30)));
        (await told.WaitAsync(Patience)).Should().NotBeNull();
        var ended = engine.WaitForStateAsync(job, JobState.Succeeded);
        await engine.RoundTripAsync();
        engine.Clock.Advance(SimulatedExecutor.RuntimeOf(engine.Feed.Current!.Snapshot.Running[0].Job));
        await ended;

        var endCommit = engine.Journal.Committed.Single(c => c.OfType<JobStateChanged>().Any(s => s.To == JobState.Succeeded));
        endCommit.OfType<NotificationQueued>().Should().ContainSingle(n => n.Notification.Kind == NotificationKind.JobSucceeded, "the notification is written with the state change");

        var listed = new NotificationStore(engine.Database).ListFor("alice");
        listed.Select(n => n.Kind).Should().Equal(NotificationKind.JobSucceeded, NotificationKind.JobStarted);
        var succeeded = listed[0];
        succeeded.Title.Should().Be($"Job {job} \"job\" succeeded");
        succeeded.Body.Should().Be($"Job {job} \"job\" succeeded; exit code 0, ran 10 min, 0.33 GPU-hours.");
        succeeded.Link.Should().Be($"https://dash.example/jobs/{job}");
        listed[1].Body.Should().Be($"Job {job} \"job\" started; on demo-gpu-01 (GPUs 0-1).");

        var outbox = new NotificationOutbox(engine.Database).Due(engine.Clock.GetUtcNow(), 10);
        outbox.Should().ContainSingle("only the end was asked for by email");
        outbox[0].Channel.Should().Be(NotificationChannel.Email);
        outbox[0].Target.Should().Be("alice@example.com");
        outbox[0].IdempotencyKey.Should().StartWith($"job:{job}:job.succeeded:").And.EndWith("/email:alice@example.com");
    }

    [Fact]
    public async Task A_finished_sweep_tells_its_owner_once_with_its_tally_in_the_batch_that_ended_its_last_job()
    {
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty);
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)], participants: [new NotificationParticipant(directory, Options)]);
        var finished = engine.Feed.WaitForAsync(u => u.Events.OfType<SweepFinishedEvent>().Any());
        var points = Dashboard.Scheduling.Control.SweepGrid.Parse("seed=[1,2]", out _);

        var submitted = await engine.Engine.SubmitSweepAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)) with { Name = "seeds" }, points, 2, "seed=[1,2]", "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        for (var round = 0; round < 3; round++)
        {
            await engine.RoundTripAsync();
            engine.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        await finished.WaitAsync(Patience);
        await engine.RoundTripAsync();
        var sweep = submitted.Job!.Value;
        var commit = engine.Journal.Committed.Single(c => c.OfType<NotificationQueued>().Any(n => n.Notification.Kind == NotificationKind.SweepFinished));
        commit.OfType<JobStateChanged>().Should().Contain(c => c.To == JobState.Succeeded, "the sweep's notice is written with its last job's end");
        var told = new NotificationStore(engine.Database).ListFor("alice").Where(n => n.Kind == NotificationKind.SweepFinished).ToList();
        told.Should().ContainSingle();
        told[0].Body.Should().Be($"Sweep {sweep} \"seeds\" finished: 2/2 succeeded, 0 failed, 0 cancelled.");
        told[0].Link.Should().Be($"https://dash.example/jobs?sweep={sweep}");
    }

    [Fact]
    public async Task A_batch_whose_commit_fails_leaves_neither_the_change_nor_its_notification()
    {
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty);
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 2)], participants: [new NotificationParticipant(directory, Options)]);
        engine.Journal.Before = changes => changes.OfType<NotificationQueued>().Any() ? throw new IOException("disk full") : Task.CompletedTask;

        var refused = () => engine.Engine.SubmitAsync(Spec(gpus: 1), "alice").WaitAsync(Patience);

        await refused.Should().ThrowAsync<InvalidOperationException>();
        new NotificationStore(engine.Database).ListFor("alice").Should().BeEmpty();
        engine.Jobs.Find(new JobId(1)).Should().BeNull("the job's start and its notification were one transaction");
    }

    [Fact]
    public async Task A_job_waiting_longer_than_its_owners_threshold_is_told_once_on_the_injected_clock()
    {
        var alice = NotificationPreferences.DefaultFor("alice") with { WaitingThreshold = TimeSpan.FromMinutes(5) };
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty.Add("alice", alice));
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], participants: [new NotificationParticipant(directory, Options)]);
        await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var waiting = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var store = new NotificationStore(engine.Database);

        engine.Clock.Advance(TimeSpan.FromMinutes(4));
        await engine.RoundTripAsync();
        store.ListFor("alice").Should().NotContain(n => n.Kind == NotificationKind.JobWaitingLong, "4 minutes is under the threshold");

        var told = engine.Feed.WaitForAsync(u => u.Events.OfType<NotificationsQueuedEvent>().Any());
        engine.Clock.Advance(TimeSpan.FromMinutes(2));
        await told.WaitAsync(Patience);
        engine.Clock.Advance(TimeSpan.FromMinutes(2));
        await engine.RoundTripAsync();

        var notices = store.ListFor("alice").Where(n => n.Kind == NotificationKind.JobWaitingLong).ToList();
        notices.Should().ContainSingle();
        notices[0].Job.Should().Be(waiting.Value);
        notices[0].Title.Should().MatchRegex($"^Job {waiting} \"job\" has waited [56] min$");
    }

    [Fact]
    public async Task The_look_for_long_waiting_jobs_runs_off_the_writer_and_a_job_still_waiting_is_told_once()
    {
        var alice = NotificationPreferences.DefaultFor("alice") with { WaitingThreshold = TimeSpan.FromMinutes(5) };
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty.Add("alice", alice));
        var participant = new NotificationParticipant(directory, Options);
        using var release = new ManualResetEventSlim();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], participants: [participant]);
        participant.ScanStarting = () =>
        {
            if (engine.Clock.GetUtcNow() - Start >= TimeSpan.FromMinutes(6))
            {
                held.TrySetResult();
                release.Wait(Patience);
            }
        };
        await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var waiting = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        await engine.RoundTripAsync();

        engine.Clock.Advance(TimeSpan.FromMinutes(6));
        await held.Task.WaitAsync(Patience);
        var store = new NotificationStore(engine.Database);
        var told = engine.Feed.WaitForAsync(_ => store.ListFor("alice").Any(n => n.Kind == NotificationKind.JobWaitingLong));
        var answered = await engine.SubmitAsync(Spec(gpus: 1, owner: "bob", walltime: TimeSpan.FromHours(2)));
        engine.Jobs.Find(answered).Should().NotBeNull("the writer commits batches while the look over the queue is under way");
        release.Set();
        await told.WaitAsync(Patience);

        for (var round = 0; round < 3; round++)
        {
            engine.Clock.Advance(TimeSpan.FromMinutes(1));
            await engine.RoundTripAsync();
        }

        var notices = store.ListFor("alice").Where(n => n.Kind == NotificationKind.JobWaitingLong).ToList();
        notices.Should().ContainSingle("a job is told once however many looks find it still waiting");
        notices[0].Job.Should().Be(waiting.Value);
    }

    [Fact]
    public async Task A_job_that_stops_waiting_while_the_look_is_under_way_is_not_told()
    {
        var alice = NotificationPreferences.DefaultFor("alice") with { WaitingThreshold = TimeSpan.FromMinutes(5) };
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty.Add("alice", alice));
        var participant = new NotificationParticipant(directory, Options);
        using var release = new ManualResetEventSlim();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], participants: [participant]);
        participant.ScanStarting = () =>
        {
            if (engine.Clock.GetUtcNow() - Start >= TimeSpan.FromMinutes(6))
            {
                held.TrySetResult();
                release.Wait(Patience);
            }
        };
        await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var cancelled = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        var stillWaiting = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromHours(2)));
        await engine.RoundTripAsync();

        engine.Clock.Advance(TimeSpan.FromMinutes(6));
        await held.Task.WaitAsync(Patience);
        var store = new NotificationStore(engine.Database);
        var told = engine.Feed.WaitForAsync(_ => store.ListFor("alice").Any(n => n.Kind == NotificationKind.JobWaitingLong));
        (await engine.Engine.CancelAsync(cancelled, "alice").WaitAsync(Patience)).Succeeded.Should().BeTrue();
        release.Set();
        await told.WaitAsync(Patience);
        await engine.RoundTripAsync();

        var notices = store.ListFor("alice").Where(n => n.Kind == NotificationKind.JobWaitingLong).ToList();
        notices.Select(n => n.Job).Should().Equal([stillWaiting.Value], "the job cancelled after the look began no longer waits when its findings are written");
    }

    [Fact]
    public async Task A_kind_turned_off_everywhere_is_not_recorded()
    {
        var alice = NotificationPreferences.DefaultFor("alice") with
        {
            Choices = ImmutableDictionary<(NotificationKind, NotificationChannel), bool>.Empty.Add((NotificationKind.JobStarted, NotificationChannel.Dashboard), false),
        };
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty.Add("alice", alice));
        await using var engine = await StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)], participants: [new NotificationParticipant(directory, Options)]);

        await engine.SubmitAsync(Spec(gpus: 1));
        await engine.SubmitAsync(Spec(gpus: 1, owner: "bob"));

        new NotificationStore(engine.Database).ListFor("alice").Should().BeEmpty();
        new NotificationStore(engine.Database).ListFor("bob").Should().BeEmpty("bob's job waits; nothing happened to it yet");
    }
}
