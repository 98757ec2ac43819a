using System.Collections.Immutable;
using System.Threading.Channels;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests;

public class ClusterFeedTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_new_subscriber_gets_the_current_state_at_once()
    {
        var feed = new ClusterFeed(new FakeTimeProvider());
        feed.Publish(Update(1, events: 2));
        var received = Channel.CreateUnbounded<ClusterUpdate>();

        using var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());
        var first = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        first.Version.Should().Be(1);
        first.Events.Should().BeEmpty("events before the subscription are not replayed; the state is");
    }

    [Fact]
    public async Task Updates_published_while_no_token_is_left_arrive_as_one_with_all_their_events()
    {
        var clock = new FakeTimeProvider();
        var feed = new ClusterFeed(clock);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        using var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());
        await SpendTheBurstAsync(feed, received.Reader, firstVersion: 1);

        feed.Publish(Update(6, events: 1));
        feed.Publish(Update(7, events: 2));
        feed.Publish(Update(8, events: 3));
        received.Reader.TryRead(out _).Should().BeFalse("the next delivery waits for the next token");
        clock.Advance(ClusterFeed.CoalesceInterval);
        var merged = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        merged.Version.Should().Be(8);
        merged.Events.Should().HaveCount(6);
        merged.EventsTruncated.Should().BeFalse();
    }

    [Fact]
    public async Task A_burst_of_five_goes_out_without_the_clock_moving_and_the_sixth_waits_one_interval()
    {
        var clock = new WatchedClock();
        var feed = new ClusterFeed(clock);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        using var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());

        await SpendTheBurstAsync(feed, received.Reader, firstVersion: 1);
        clock.HasUntakenWait.Should().BeFalse("the burst needed no token from the clock");

        await TheNextWaitsForOneTokenAsync(clock, feed, received.Reader, version: 6);
    }

    [Fact]
    public async Task After_a_quiet_moment_a_new_burst_goes_out_at_once_but_never_more_than_five()
    {
        var clock = new WatchedClock();
        var feed = new ClusterFeed(clock);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        using var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());
        await SpendTheBurstAsync(feed, received.Reader, firstVersion: 1);
        await TheNextWaitsForOneTokenAsync(clock, feed, received.Reader, version: 6);

        clock.Advance(ClusterFeed.BurstDeliveries * ClusterFeed.CoalesceInterval);
        await SpendTheBurstAsync(feed, received.Reader, firstVersion: 8);
        clock.HasUntakenWait.Should().BeFalse("five quiet intervals refilled the bucket");
        await TheNextWaitsForOneTokenAsync(clock, feed, received.Reader, version: 13);

        clock.Advance(TimeSpan.FromSeconds(10));
        await SpendTheBurstAsync(feed, received.Reader, firstVersion: 15);
        clock.HasUntakenWait.Should().BeFalse("the bucket is full again");
        await TheNextWaitsForOneTokenAsync(clock, feed, received.Reader, version: 20);
    }

    [Fact]
    public async Task With_many_subscribers_each_one_gets_tokens_less_often_so_that_together_they_stay_within_the_shared_rate()
    {
        var clock = new WatchedClock();
        var feed = new ClusterFeed(clock);
        feed.TokenInterval.Should().Be(ClusterFeed.CoalesceInterval, "nobody watches yet");
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        using var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());
        var others = Enumerable.Range(0, 49).Select(_ => feed.Subscribe(_ => Task.CompletedTask)).ToList();
        try
        {
            feed.TokenInterval.Should().Be(TimeSpan.FromMilliseconds(100), "50 subscribers share 500 deliveries a second: 10 each");
            await SpendTheBurstAsync(feed, received.Reader, firstVersion: 1);
            clock.HasUntakenWait.Should().BeFalse("the burst needs no token from the clock, however many watch");

            await TheNextWaitsForOneTokenAsync(clock, feed, received.Reader, version: 6, interval: TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            others.ForEach(o => o.Dispose());
        }

        feed.TokenInterval.Should().Be(ClusterFeed.CoalesceInterval, "one subscriber is left");
    }

    [Fact]
    public async Task Sustained_publishing_is_paced_to_one_update_per_interval_after_the_burst_and_loses_no_event()
    {
        var clock = new FakeTimeProvider();
        var feed = new ClusterFeed(clock);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        using var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());
        var step = TimeSpan.FromMilliseconds(10);
        var span = TimeSpan.FromSeconds(2);
        var publications = (int)(span / step);

        for (var version = 1; version <= publications; version++)
        {
            feed.Publish(Update(version, events: 1));
            clock.Advance(step);
        }

        // The newest publication waits at most one interval for its token (the pump reads the clock after each delivery).
        clock.Advance(ClusterFeed.CoalesceInterval);
        var deliveries = new List<ClusterUpdate>();
        do
        {
            deliveries.Add(await received.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        }
        while (deliveries[^1].Version < publications);

        deliveries.Count.Should().BeLessThanOrEqualTo(ClusterFeed.BurstDeliveries + (int)(span / ClusterFeed.CoalesceInterval) + 1);
        deliveries[^1].Version.Should().Be(publications, "the last delivery is the newest state");
        deliveries.Select(d => d.Version).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        deliveries.Should().OnlyContain(d => !d.EventsTruncated);
        deliveries.SelectMany(d => d.Events).Cast<JobStateChangedEvent>().Select(e => e.Job.Value)
            .Should().Equal(Enumerable.Range(1, publications).Select(version => version * 100L), "every publication's event arrives once, in order");
        received.Reader.TryRead(out _).Should().BeFalse("nothing is published after the newest state");
    }

    [Fact]
    public async Task A_state_wait_sees_every_publication_without_the_clock_moving()
    {
        var feed = new ClusterFeed(new FakeTimeProvider());
        feed.Publish(Update(1, events: 0));
        var already = await feed.WaitForAsync(u => u.Version >= 1).WaitAsync(Patience);
        var third = feed.WaitForAsync(u => u.Version == 3);
        var never = feed.WaitForAsync(u => u.Version == 99);

        feed.Publish(Update(2, events: 0));
        third.IsCompleted.Should().BeFalse("version 2 does not satisfy the wait");
        feed.Publish(Update(3, events: 0));
        feed.Publish(Update(4, events: 0));

        already.Version.Should().Be(1, "the current state is tested first");
        (await third.WaitAsync(Patience)).Version.Should().Be(3, "the publication that satisfied it, not a coalesced later one");
        never.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task A_state_wait_ends_when_cancelled_and_a_throwing_condition_fails_only_its_own_wait()
    {
        var feed = new ClusterFeed(new FakeTimeProvider());
        using var cancel = new CancellationTokenSource();
        var cancelled = feed.WaitForAsync(_ => false, cancel.Token);
        var throwing = feed.WaitForAsync(_ => throw new InvalidOperationException("bad condition"));
        var fine = feed.WaitForAsync(u => u.Version == 1);

        feed.Publish(Update(1, events: 0));
        await cancel.CancelAsync();

        await FluentActions.Awaiting(() => throwing).Should().ThrowAsync<InvalidOperationException>();
        await FluentActions.Awaiting(() => cancelled).Should().ThrowAsync<OperationCanceledException>();
        (await fine.WaitAsync(Patience)).Version.Should().Be(1);
    }

    [Fact]
    public async Task A_callback_that_throws_cancellation_keeps_its_subscription_which_disposes_cleanly_twice()
    {
        var clock = new FakeTimeProvider();
        var feed = new ClusterFeed(clock);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        var subscription = feed.Subscribe(async u =>
        {
            await received.Writer.WriteAsync(u);
            if (u.Version == 1)
            {
                throw new OperationCanceledException("a send that was cancelled, e.g. a closing connection");
            }
        });
        feed.Publish(Update(1, events: 0));
        (await received.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Version.Should().Be(1);

        feed.Publish(Update(2, events: 0));
        clock.Advance(ClusterFeed.CoalesceInterval);
        (await received.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Version.Should().Be(2, "a cancelled callback is the subscriber's error, not the end of its feed");

        subscription.Dispose();
        subscription.Invoking(s => s.Dispose()).Should().NotThrow();
        feed.Publish(Update(3, events: 0));
        clock.Advance(ClusterFeed.CoalesceInterval);
        received.Reader.TryRead(out _).Should().BeFalse();
    }

    [Fact]
    public async Task A_stuck_subscriber_never_blocks_publishing_nor_other_subscribers()
    {
        var clock = new FakeTimeProvider();
        var feed = new ClusterFeed(clock);
        var unblock = new TaskCompletionSource();
        using var stuck = feed.Subscribe(_ => unblock.Task);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        using var healthy = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());
        await SpendTheBurstAsync(feed, received.Reader, firstVersion: 1);

        for (var version = 6; version <= 5_000; version++)
        {
            feed.Publish(Update(version, events: 1));
        }

        clock.Advance(ClusterFeed.CoalesceInterval);
        var last = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        last.Version.Should().Be(5_000);

        last.EventsTruncated.Should().BeTrue("more than the per-update event cap happened between deliveries");
        last.Events.Length.Should().BeLessThanOrEqualTo(ClusterFeed.MaxEventsPerUpdate);
        unblock.SetResult();
    }

    [Fact]
    public async Task A_state_overtaken_before_its_offers_never_replaces_the_newer_one_a_subscriber_was_offered()
    {
        var feed = new ClusterFeed(new FakeTimeProvider());
        feed.Publish(Update(1, events: 0));
        var firstCallback = new TaskCompletionSource();
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        var calls = 0;
        using var subscription = feed.Subscribe(async u =>
        {
            await received.Writer.WriteAsync(u);
            if (Interlocked.Increment(ref calls) == 1)
            {
                await firstCallback.Task; // the subscriber is busy while the two publications race
            }
        });
        (await received.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Version.Should().Be(1);

        // The explainer republishes state 1 with its explanations; before it offers that, the engine publishes state 2
        // (which takes the same explanations) and offers it: the explainer's offer comes last but is the older state.
        feed.OffersStarting = () =>
        {
            feed.OffersStarting = null;
            feed.Publish(Update(2, events: 1));
        };
        feed.PublishExplanations(new WaitingExplanationSet(1, DateTimeOffset.UnixEpoch, ImmutableDictionary<JobId, PendingExplanation>.Empty));
        firstCallback.SetResult();
        var next = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        next.Version.Should().Be(2, "the newest state offered is what the subscriber shows, whatever order the offers came in");
        next.ExplanationsVersion.Should().Be(1);
        next.Events.Should().ContainSingle();
        feed.Current!.Version.Should().Be(2);
    }

    [Fact]
    public async Task One_publication_reaches_every_idle_subscriber_off_the_publishers_thread_from_at_most_one_work_item_per_core()
    {
        var feed = new ClusterFeed(new FakeTimeProvider());
        var threads = Channel.CreateUnbounded<(long Version, int Thread, bool InPublish)>();
        using var publishing = new ThreadLocal<bool>();
        var subscriptions = Enumerable.Range(0, 20)
            .Select(_ => feed.Subscribe(u => threads.Writer.WriteAsync((u.Version, Environment.CurrentManagedThreadId, publishing.Value)).AsTask()))
            .ToList();

        publishing.Value = true;
        feed.Publish(Update(1, events: 0));
        publishing.Value = false;
        var delivered = new List<(long Version, int Thread, bool InPublish)>();
        for (var i = 0; i < subscriptions.Count; i++)
        {
            delivered.Add(await threads.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        }

        delivered.Should().OnlyContain(d => d.Version == 1);
        delivered.Select(d => d.Thread).Distinct().Count().Should().BeLessThanOrEqualTo(Environment.ProcessorCount,
            "the callbacks completed at once, so the publication's few work items delivered it to all twenty in turn");
        delivered.Should().NotContain(d => d.InPublish, "publishing never runs a subscriber's callback");
        subscriptions.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Each_subscriber_is_called_in_its_own_execution_context_as_it_subscribed()
    {
        var feed = new ClusterFeed(new FakeTimeProvider());
        var circuit = new AsyncLocal<string?>();
        var seen = Channel.CreateUnbounded<(string Subscriber, string? Context)>();
        circuit.Value = "first";
        using var first = feed.Subscribe(_ => seen.Writer.WriteAsync(("first", circuit.Value)).AsTask());
        circuit.Value = "second";
        using var second = feed.Subscribe(_ => seen.Writer.WriteAsync(("second", circuit.Value)).AsTask());
        circuit.Value = null;

        feed.Publish(Update(1, events: 0));

        var calls = new[] { await seen.Reader.ReadAsync().AsTask().WaitAsync(Patience), await seen.Reader.ReadAsync().AsTask().WaitAsync(Patience) };
        calls.Should().BeEquivalentTo([("first", (string?)"first"), ("second", (string?)"second")],
            "a circuit's callback sees what its circuit set (services, scopes), whoever started the delivery");
    }

    [Fact]
    public async Task A_subscriber_idle_again_after_its_delivery_is_woken_by_the_next_publication()
    {
        var clock = new FakeTimeProvider();
        var feed = new ClusterFeed(clock);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        using var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());

        // Each publication after the last delivery finished starts a new one: none is lost between two.
        for (var version = 1; version <= 200; version++)
        {
            feed.Publish(Update(version, events: 1));
            var delivered = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);
            while (delivered.Version < version)
            {
                delivered = await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);
            }

            delivered.Version.Should().Be(version);
            clock.Advance(ClusterFeed.CoalesceInterval);
        }
    }

    [Fact]
    public async Task A_disposed_subscription_receives_nothing_more()
    {
        var clock = new FakeTimeProvider();
        var feed = new ClusterFeed(clock);
        var received = Channel.CreateUnbounded<ClusterUpdate>();
        var subscription = feed.Subscribe(u => received.Writer.WriteAsync(u).AsTask());
        feed.Publish(Update(1, events: 0));
        await received.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        subscription.Dispose();
        feed.Publish(Update(2, events: 1));
        clock.Advance(TimeSpan.FromSeconds(1));

        received.Reader.TryRead(out _).Should().BeFalse();
        feed.Current!.Version.Should().Be(2);
    }

    [Fact]
    public void The_summary_counts_what_is_allocated_per_node_and_in_total_without_down_nodes()
    {
        var gpus = Enumerable.Range(0, 8).Select(i => new Gpu(i, "A100", 81920)).ToImmutableArray();
        var job = new Job(new JobId(1), new JobSpec("j", "alice", "vision", "true", new ResourceRequest(2, 4000, 1024)), DateTimeOffset.UnixEpoch);
        var snapshot = ClusterSnapshot.Empty with
        {
            Nodes = [new Node("a", gpus, 64_000, 512 * 1024), new Node("b", gpus, 64_000, 512 * 1024, NodeState.Down)],
            Running = [new RunningJob(job, new GpuAllocation(job.Id, "a", [0, 1], 4000, 1024, DateTimeOffset.UnixEpoch, null), false)],
        };

        var summary = ClusterSummary.Of(snapshot);

        summary.GpusTotal.Should().Be(8);
        summary.GpusUsed.Should().Be(2);
        summary.CpuMillicoresUsed.Should().Be(4000);
        summary.RunningJobs.Should().Be(1);
        summary.Nodes.Single(n => n.Name == "a").GpusUsed.Should().Be(2);
        summary.Nodes.Single(n => n.Name == "b").State.Should().Be(NodeState.Down);
    }

    /// <summary>
    /// Publishes <see cref="ClusterFeed.BurstDeliveries"/> updates (one event each) from <paramref name="firstVersion"/>
    /// on, each after the previous one arrived, without moving the clock: they all go out at once, and the bucket is
    /// left empty.
    /// </summary>
    private static async Task SpendTheBurstAsync(ClusterFeed feed, ChannelReader<ClusterUpdate> received, long firstVersion)
    {
        for (var version = firstVersion; version < firstVersion + ClusterFeed.BurstDeliveries; version++)
        {
            feed.Publish(Update(version, events: 1));
            var delivered = await received.ReadAsync().AsTask().WaitAsync(Patience);
            delivered.Version.Should().Be(version, "a token is left, so it goes out at once, alone");
            delivered.Events.Should().ContainSingle();
        }
    }

    /// <summary>
    /// With the bucket just emptied (the clock not moved since), publishes <paramref name="version"/>: the pump waits one
    /// <see cref="ClusterFeed.CoalesceInterval"/> for the next token, and <paramref name="version"/> + 1, published
    /// meanwhile, arrives with it as one update (the newer state, both events in order). Leaves the bucket empty.
    /// </summary>
    private static async Task TheNextWaitsForOneTokenAsync(WatchedClock clock, ClusterFeed feed, ChannelReader<ClusterUpdate> received, long version, TimeSpan? interval = null)
    {
        var tokenInterval = interval ?? ClusterFeed.CoalesceInterval;
        feed.Publish(Update(version, events: 1));
        (await clock.NextWaitAsync()).Should().Be(tokenInterval, "no token is left, and the next comes one interval after the last was taken");
        received.TryRead(out _).Should().BeFalse("the pump waits for the token before it delivers");
        feed.Publish(Update(version + 1, events: 1));
        clock.Advance(tokenInterval - TimeSpan.FromMilliseconds(1));
        received.TryRead(out _).Should().BeFalse("the next token comes one whole interval after the last was taken");
        clock.Advance(TimeSpan.FromMilliseconds(1));

        var merged = await received.ReadAsync().AsTask().WaitAsync(Patience);

        merged.Version.Should().Be(version + 1, "both waited for the same token, so they arrive as one update");
        merged.Events.Cast<JobStateChangedEvent>().Select(e => e.Job.Value).Should().Equal(version * 100, (version + 1) * 100);
    }

    /// <summary>A fake clock that tells the test each time the feed starts waiting on it, and for how long.</summary>
    private sealed class WatchedClock : FakeTimeProvider
    {
        private readonly Channel<TimeSpan> waits = Channel.CreateUnbounded<TimeSpan>();

        /// <summary>Whether a wait has been armed that the test has not taken yet.</summary>
        public bool HasUntakenWait => waits.Reader.TryPeek(out _);

        /// <summary>The length of the next wait armed on this clock (waiting for one, within the tests' patience).</summary>
        public async Task<TimeSpan> NextWaitAsync() => await waits.Reader.ReadAsync().AsTask().WaitAsync(Patience);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            waits.Writer.TryWrite(dueTime);
            return timer;
        }
    }

    private static ClusterUpdate Update(long version, int events)
    {
        var list = Enumerable.Range(0, events)
            .Select(i => (ClusterEvent)new JobStateChangedEvent(new JobId((version * 100) + i), "alice", "vision", JobState.Pending, JobState.Running, null, DateTimeOffset.UnixEpoch))
            .ToImmutableArray();
        return new ClusterUpdate(version, DateTimeOffset.UnixEpoch, ClusterSnapshot.Empty, ClusterSummary.Of(ClusterSnapshot.Empty), ImmutableDictionary<JobId, PendingExplanation>.Empty, list);
    }
}
