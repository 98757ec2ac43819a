using System.Collections.Immutable;
using Dashboard.Data.Notifications;
using Dashboard.Data.Usage;
using Dashboard.Data.Writing;
using Dashboard.Engine.Loop;
using Dashboard.Engine.Notifications;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Tests.Notifications;

/// <summary>Which state changes become which notification, and what each says (the participant on a batch, no engine).</summary>
public sealed class JobFactTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Job Train = new(new JobId(42), new JobSpec("train", "alice", "vision", "python train.py", new ResourceRequest(4, 1000, 1024)), Now.AddHours(-3));

    [Theory]
    [InlineData(JobState.Running, JobState.Succeeded, 0, null, NotificationKind.JobSucceeded, "Job 42 \"train\" succeeded; exit code 0, ran 2 h, 8 GPU-hours.")]
    [InlineData(JobState.Running, JobState.Failed, 3, "exited with code 3", NotificationKind.JobFailed, "Job 42 \"train\" failed; exit code 3, ran 2 h, 8 GPU-hours; exited with code 3.")]
    [InlineData(JobState.Running, JobState.TimedOut, null, "reached its walltime of 2 h", NotificationKind.JobTimedOut, "Job 42 \"train\" was stopped; reached its walltime of 2 h; ran 2 h, 8 GPU-hours.")]
    [InlineData(JobState.Running, JobState.Cancelled, null, "cancelled by bob", NotificationKind.JobCancelled, "Job 42 \"train\" was cancelled; cancelled by bob; ran 2 h, 8 GPU-hours.")]
    [InlineData(JobState.Running, JobState.Pending, null, "preempted: team nlp takes back its nominal quota", NotificationKind.JobPreempted, "Job 42 \"train\" was preempted and is back in the queue; why: team nlp takes back its nominal quota; ran 2 h, 8 GPU-hours.")]
    public void An_ended_job_tells_its_owner_what_happened_with_its_numbers(JobState from, JobState to, int? exitCode, string? reason, NotificationKind kind, string body)
    {
        var queued = AfterPlan(new JobStateChanged(Train.Id, from, to, Now, reason, exitCode), new JobUsageRecorded(new JobUsage(Train.Id, 3600, 7200, 4 * 7200, 7200, 0, Now)));

        queued.Should().ContainSingle();
        queued[0].Notification.Kind.Should().Be(kind);
        queued[0].Notification.Recipient.Should().Be("alice");
        queued[0].Notification.Body.Should().Be(body);
        queued[0].Notification.Link.Should().Be("https://dash.example/jobs/42");
        queued[0].Notification.EventKey.Should().Be($"job:42:{NotificationNames.Of(kind)}:{Now.ToUnixTimeMilliseconds()}");
    }

    [Fact]
    public void A_started_job_says_where_and_how_long_it_waited()
    {
        var (_, body) = JobNotices.Describe(new JobFact(NotificationKind.JobStarted, Train.Id, "train", "alice", Now, Placement: "gpu-01 (GPUs 0-3)", Waited: TimeSpan.FromMinutes(95)));

        body.Should().Be("Job 42 \"train\" started; on gpu-01 (GPUs 0-3); after waiting 1 h 35 min.");
    }

    [Fact]
    public void A_requeue_that_is_not_a_preemption_tells_nothing()
    {
        AfterPlan(new JobStateChanged(Train.Id, JobState.Running, JobState.Pending, Now, "requeued by alice")).Should().BeEmpty();
    }

    [Fact]
    public void Webhooks_and_email_get_one_delivery_each_with_a_key_per_event_and_target()
    {
        var prefs = NotificationPreferences.DefaultFor("alice") with
        {
            Email = "alice@example.com",
            Choices = ImmutableDictionary<(NotificationKind, NotificationChannel), bool>.Empty
                .Add((NotificationKind.JobFailed, NotificationChannel.Email), true)
                .Add((NotificationKind.JobFailed, NotificationChannel.Webhook), true),
            Webhooks = [new NotificationWebhook(7, "https://hooks.example/a", "s1", Now), new NotificationWebhook(9, "https://hooks.example/b", "s2", Now)],
        };

        var queued = AfterPlan(prefs, new JobStateChanged(Train.Id, JobState.Running, JobState.Failed, Now, "exited with code 1", 1));

        var deliveries = queued.Single().Deliveries;
        deliveries.Should().Equal(
            new OutboxDelivery(NotificationChannel.Email, "alice@example.com"),
            new OutboxDelivery(NotificationChannel.Webhook, "7"),
            new OutboxDelivery(NotificationChannel.Webhook, "9"));
        deliveries.Select(d => d.IdempotencyKey(queued[0].Notification.EventKey)).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_finished_sweep_says_how_its_jobs_ended()
    {
        var (title, body) = JobNotices.Describe(new SweepFact(5, "lr-grid", "alice", Now, 6, 4, 1, 1, 12.5));

        title.Should().Be("Sweep 5 \"lr-grid\" finished");
        body.Should().Be("Sweep 5 \"lr-grid\" finished: 4/6 succeeded, 1 failed, 1 cancelled; 12.5 GPU-hours in all.");
    }

    private static List<NotificationQueued> AfterPlan(params ClusterChange[] changes) => AfterPlan(NotificationPreferences.DefaultFor("alice"), changes);

    private static List<NotificationQueued> AfterPlan(NotificationPreferences prefs, params ClusterChange[] changes)
    {
        var directory = new NotificationDirectory(() => ImmutableDictionary<string, NotificationPreferences>.Empty.Add("alice", prefs));
        var participant = new NotificationParticipant(directory, new NotificationOptions { PublicUrl = "https://dash.example" });
        var allocation = new GpuAllocation(Train.Id, "gpu-01", [0, 1, 2, 3], 1000, 1024, Now.AddHours(-2), null);
        var before = ClusterSnapshot.Empty with { Running = [new RunningJob(Train, allocation, false)] };
        var cluster = new ClusterState(new RecoveredState(ClusterSnapshot.Empty, 43));
        participant.Attach(cluster, new RecoveredState(before, 43)).Should().BeEmpty();
        var batch = new EngineBatch(Now);
        batch.Changes.AddRange(changes);

        participant.AfterPlan(cluster, batch);

        return [.. batch.Changes.OfType<NotificationQueued>()];
    }
}
