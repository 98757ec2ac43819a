using System.Collections.Concurrent;
using System.Collections.Immutable;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.Logging.Abstractions;
using static Dashboard.Engine.Tests.Loop.EngineHarness;

namespace Dashboard.Engine.Tests.Loop;

public class WaitingExplainerTests
{
    [Fact]
    public async Task While_one_state_is_being_explained_later_states_coalesce_and_only_the_newest_is_explained_next()
    {
        using var firstStarted = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var explained = new ConcurrentQueue<long>();
        var published = new ConcurrentQueue<WaitingExplanationSet>();
        var allPublished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var explainer = new WaitingExplainer(
            request =>
            {
                explained.Enqueue(request.Version);
                if (request.Version == 1)
                {
                    firstStarted.Release();
                    release.Wait(Patience);
                }

                return new WaitingExplanationSet(request.Version, request.At, ImmutableDictionary<JobId, PendingExplanation>.Empty);
            },
            set =>
            {
                published.Enqueue(set);
                if (set.Version == 4)
                {
                    allPublished.TrySetResult();
                }
            },
            NullLogger.Instance);

        explainer.Request(Request(1));
        (await firstStarted.WaitAsync(Patience)).Should().BeTrue();
        explainer.Request(Request(2));
        explainer.Request(Request(3));
        explainer.Request(Request(4));
        release.Release();
        await allPublished.Task.WaitAsync(Patience);

        explained.Should().Equal([1L, 4L], "at most one computation is in flight and the newest waiting state wins");
        published.Select(p => p.Version).Should().Equal(1L, 4L);
        published.Last().AsOf.Should().Be(Start + TimeSpan.FromSeconds(4), "each result carries the time of the state it explains");
    }

    [Fact]
    public async Task After_each_computation_the_explainer_rests_as_long_as_it_took_before_the_next()
    {
        var clock = new TimerWatchingClock(Start);
        var explained = new ConcurrentQueue<long>();
        var published = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var explainer = new WaitingExplainer(
            request =>
            {
                explained.Enqueue(request.Version);
                clock.Advance(TimeSpan.FromSeconds(1)); // the computation takes a second
                return new WaitingExplanationSet(request.Version, request.At, ImmutableDictionary<JobId, PendingExplanation>.Empty);
            },
            set => published.Writer.TryWrite(set.Version),
            NullLogger.Instance,
            clock,
            rest: 1.0);

        explainer.Request(Request(1));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(1);
        explainer.Request(Request(2));
        explainer.Request(Request(3));

        await clock.TimerCreated.WaitAsync(Patience);
        clock.Advance(TimeSpan.FromMilliseconds(999));
        explained.Should().Equal([1L], "the explainer rests a second (as long as the computation took) before the next");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(3, "after the rest the newest state is explained");
        explained.Should().Equal([1L, 3L]);
    }

    [Fact]
    public async Task The_rest_is_never_longer_than_its_limit()
    {
        var clock = new TimerWatchingClock(Start);
        var explained = new ConcurrentQueue<long>();
        var published = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var explainer = new WaitingExplainer(
            request =>
            {
                explained.Enqueue(request.Version);
                clock.Advance(TimeSpan.FromSeconds(4)); // a slow computation
                return new WaitingExplanationSet(request.Version, request.At, ImmutableDictionary<JobId, PendingExplanation>.Empty);
            },
            set => published.Writer.TryWrite(set.Version),
            NullLogger.Instance,
            clock,
            rest: 1.0,
            maxRest: TimeSpan.FromMilliseconds(500));

        explainer.Request(Request(1));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(1);
        explainer.Request(Request(2));

        await clock.TimerCreated.WaitAsync(Patience);
        clock.Advance(TimeSpan.FromMilliseconds(499));
        explained.Should().Equal([1L], "the explainer rests half a second, its limit, not the four seconds the computation took");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(2);
    }

    [Fact]
    public async Task After_a_quick_computation_the_explainer_still_rests_its_minimum_while_states_stream_in()
    {
        var clock = new TimerWatchingClock(Start);
        var explained = new ConcurrentQueue<long>();
        var published = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var explainer = new WaitingExplainer(
            request =>
            {
                explained.Enqueue(request.Version);
                clock.Advance(TimeSpan.FromMilliseconds(10)); // a short queue: a cheap computation
                return new WaitingExplanationSet(request.Version, request.At, ImmutableDictionary<JobId, PendingExplanation>.Empty);
            },
            set => published.Writer.TryWrite(set.Version),
            NullLogger.Instance,
            clock,
            rest: 1.0,
            maxRest: TimeSpan.FromMilliseconds(500),
            minRest: TimeSpan.FromMilliseconds(250));

        explainer.Request(Request(1));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(1, "the first state after a quiet spell is explained at once");
        explainer.Request(Request(2));
        explainer.Request(Request(3));

        await clock.TimerCreated.WaitAsync(Patience);
        clock.Advance(TimeSpan.FromMilliseconds(249));
        explained.Should().Equal([1L], "the explainer rests its minimum of 250 ms, not the 10 ms the computation took");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(3, "after the rest the newest state is explained");
        explained.Should().Equal([1L, 3L]);
    }

    [Fact]
    public async Task The_rest_limit_wins_over_a_longer_minimum()
    {
        var clock = new TimerWatchingClock(Start);
        var published = System.Threading.Channels.Channel.CreateUnbounded<long>();
        var explainer = new WaitingExplainer(
            request => new WaitingExplanationSet(request.Version, request.At, ImmutableDictionary<JobId, PendingExplanation>.Empty),
            set => published.Writer.TryWrite(set.Version),
            NullLogger.Instance,
            clock,
            rest: 1.0,
            maxRest: TimeSpan.FromMilliseconds(100),
            minRest: TimeSpan.FromSeconds(1));

        explainer.Request(Request(1));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(1);
        explainer.Request(Request(2));

        await clock.TimerCreated.WaitAsync(Patience);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        (await published.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Should().Be(2, "the rest never passes its limit (a quarter of ExplainInterval in the engine)");
    }

    [Fact]
    public async Task A_state_that_cannot_be_explained_does_not_stop_the_next_one()
    {
        var published = new TaskCompletionSource<WaitingExplanationSet>(TaskCreationOptions.RunContinuationsAsynchronously);
        var explainer = new WaitingExplainer(
            request => request.Version == 1
                ? throw new InvalidOperationException("broken state")
                : new WaitingExplanationSet(request.Version, request.At, ImmutableDictionary<JobId, PendingExplanation>.Empty),
            set => published.TrySetResult(set),
            NullLogger.Instance);

        explainer.Request(Request(1));
        explainer.Request(Request(2));

        (await published.Task.WaitAsync(Patience)).Version.Should().Be(2);
    }

    [Fact]
    public async Task Explanations_older_than_the_ones_published_are_ignored_and_later_states_carry_the_newest()
    {
        var feed = new ClusterFeed(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Start));
        feed.Publish(new ClusterUpdate(7, Start, ClusterSnapshot.Empty, ClusterSummary.Of(ClusterSnapshot.Empty), ImmutableDictionary<JobId, PendingExplanation>.Empty, []));
        var explanation = new PendingExplanation(new JobId(3), Start + TimeSpan.FromMinutes(5), new PendingReason(PendingCause.WaitingForCapacity, new ResourceRequest(1, 1000, 1024), 0, ResourceAmount.Zero, ResourceAmount.Zero), null);

        feed.PublishExplanations(new WaitingExplanationSet(7, Start, ImmutableDictionary<JobId, PendingExplanation>.Empty.Add(explanation.Job, explanation)));
        feed.PublishExplanations(new WaitingExplanationSet(6, Start - TimeSpan.FromSeconds(1), ImmutableDictionary<JobId, PendingExplanation>.Empty));
        feed.Publish(new ClusterUpdate(8, Start + TimeSpan.FromSeconds(1), ClusterSnapshot.Empty, ClusterSummary.Of(ClusterSnapshot.Empty), ImmutableDictionary<JobId, PendingExplanation>.Empty, []));

        var current = await feed.WaitForAsync(u => u.Version == 8).WaitAsync(Patience);
        current.ExplanationsVersion.Should().Be(7);
        current.ExplanationsAsOf.Should().Be(Start);
        current.Explanations.Should().ContainKey(new JobId(3));
    }

    [Fact]
    public async Task Waiting_jobs_are_explained_off_the_writer_from_the_published_state_with_its_time()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        var second = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        var submitted = engine.Feed.Current!;

        var explained = await engine.WaitForExplanationsAsync(submitted);

        explained.ExplanationsAsOf.Should().Be(Start);
        explained.Explanations[second].EstimatedStart.Should().Be(Start + TimeSpan.FromMinutes(10));
        explained.Explanations[second].Reason.JobsAhead.Should().Be(0);
    }

    [Fact]
    public async Task While_jobs_wait_and_nothing_changes_their_explanations_are_refreshed_with_the_clock()
    {
        await using var engine = await EngineHarness.StartAsync([SimulatedNode("demo-gpu-01", gpus: 1)]);
        await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        var second = await engine.SubmitAsync(Spec(gpus: 1, walltime: TimeSpan.FromMinutes(10)));
        await engine.WaitForExplanationsAsync(engine.Feed.Current!);

        var refreshed = engine.WaitForAsync(u => u.ExplanationsAsOf >= Start + TimeSpan.FromSeconds(2));
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        await engine.RoundTripAsync();
        engine.Clock.Advance(TimeSpan.FromSeconds(1));
        var update = await refreshed;

        update.ExplanationsAsOf.Should().Be(Start + TimeSpan.FromSeconds(2));
        update.Explanations[second].EstimatedStart.Should().Be(Start + TimeSpan.FromMinutes(10));
    }

    private static ExplanationRequest Request(long version) =>
        new(version, Start + TimeSpan.FromSeconds(version), ClusterSnapshot.Empty, []);

    /// <summary>A fake clock that says when a timer (the explainer's rest) is first set on it.</summary>
    private sealed class TimerWatchingClock(DateTimeOffset start) : Microsoft.Extensions.Time.Testing.FakeTimeProvider(start)
    {
        private readonly TaskCompletionSource created = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task TimerCreated => created.Task;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            created.TrySetResult();
            return timer;
        }
    }
}
