using System.Collections.Immutable;

namespace Dashboard.Engine.Feed;

/// <summary>
/// Hands the engine's state to everyone who watches it (Blazor circuits, the SignalR relay). Publishing is O(1) per
/// subscriber and never waits for one: each subscriber has its own one-slot buffer that keeps the newest state and
/// accumulates events, and its own deliveries, one update at a time, paced by a token bucket (a publication starts
/// those of every idle subscriber from a few thread-pool work items, not one wake-up per subscriber: see
/// <see cref="Deliver"/>): it may deliver up to <see cref="BurstDeliveries"/> updates back to back, one token comes
/// back per <see cref="TokenInterval"/> up to that many, and while no token is left everything published meanwhile
/// is merged into the one update that goes out with the next token. So an isolated change after a quiet moment goes
/// out at once, while sustained churn reaches a subscriber at most once per <see cref="TokenInterval"/> (after the
/// first burst): every <see cref="CoalesceInterval"/> (50 ms) while few watch,
/// and less often as more do, so that all subscribers together receive at most
/// <see cref="SharedDeliveriesPerSecond"/> updates a second (with 50 watching, one per 100 ms each). A slow subscriber
/// loses intermediate frames, never the engine's time.
/// </summary>
public sealed partial class ClusterFeed(TimeProvider time)
{
    public const int MaxEventsPerUpdate = 1_000;

    /// <summary>How many updates a subscriber may receive back to back (its token bucket's capacity).</summary>
    public const int BurstDeliveries = 5;

    /// <summary>
    /// The shortest time between two tokens of a subscriber's bucket (up to <see cref="BurstDeliveries"/>): under
    /// sustained churn a subscriber receives at most one update per interval, each merging what was published meanwhile.
    /// </summary>
    public static readonly TimeSpan CoalesceInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How many updates a second all subscribers together may receive under sustained churn: each one renders a page
    /// on the server, so above <c>SharedDeliveriesPerSecond * CoalesceInterval</c> (25) subscribers each one's token
    /// interval grows with their number instead of the server's rendering work.
    /// </summary>
    public const int SharedDeliveriesPerSecond = 500;

    private readonly Lock gate = new();
    private ImmutableList<Subscriber> subscribers = [];
    private ImmutableList<StateWaiter> waiters = [];

    /// <summary>
    /// Counts the states made current (under <see cref="gate"/>): offers made outside the lock carry it, so that a
    /// subscriber never takes a state older than one it was already offered (see <see cref="Subscriber.Offer"/>).
    /// </summary>
    private long published;

    /// <summary>
    /// Test seam: runs after a publication made its state current and before it offers it to the subscribers, the
    /// window in which another publication can overtake it.
    /// </summary>
    internal Action? OffersStarting { get; set; }

    /// <summary>
    /// How often each subscriber's bucket gets a token back now: <see cref="CoalesceInterval"/>, or longer with more
    /// than 25 subscribers (one per <see cref="SharedDeliveriesPerSecond"/>-th of a second each).
    /// </summary>
    public TimeSpan TokenInterval
    {
        get
        {
            var shared = TimeSpan.FromSeconds(subscribers.Count / (double)SharedDeliveriesPerSecond);
            return shared > CoalesceInterval ? shared : CoalesceInterval;
        }
    }

    /// <summary>The newest state; null until the engine has published once.</summary>
    public ClusterUpdate? Current { get; private set; }

    /// <summary>Called by the engine loop only, after each committed batch.</summary>
    public void Publish(ClusterUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        ImmutableList<Subscriber> targets;
        ImmutableList<StateWaiter> pending;
        long sequence;
        lock (gate)
        {
            update = WithExplanations(update, explained);
            Current = update;
            sequence = ++published;
            targets = subscribers;
            pending = waiters;
        }

        OffersStarting?.Invoke();
        Offer(targets, update, sequence);

        foreach (var waiter in pending)
        {
            if (waiter.TryComplete(update))
            {
                RemoveWaiter(waiter);
            }
        }
    }

    /// <summary>
    /// The first published state (the current one included) that satisfies <paramref name="condition"/>. Unlike a
    /// subscription it sees every publication, uncoalesced, and needs no clock to move: for code that must wait
    /// until the engine has reached a state (tests, a command-line wait), not for rendering.
    /// </summary>
    public async Task<ClusterUpdate> WaitForAsync(Func<ClusterUpdate, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var waiter = new StateWaiter(condition);
        ClusterUpdate? current;
        lock (gate)
        {
            waiters = waiters.Add(waiter);
            current = Current;
        }

        if (current is not null && waiter.TryComplete(current))
        {
            RemoveWaiter(waiter);
        }

        try
        {
            return await waiter.Reached.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RemoveWaiter(waiter);
        }
    }

    private void RemoveWaiter(StateWaiter waiter)
    {
        lock (gate)
        {
            waiters = waiters.Remove(waiter);
        }
    }

    /// <summary>
    /// Calls <paramref name="onUpdate"/> with the current state at once (if there is one) and then with every
    /// coalesced change, one call at a time, until the returned subscription is disposed.
    /// </summary>
    public IDisposable Subscribe(Func<ClusterUpdate, Task> onUpdate)
    {
        ArgumentNullException.ThrowIfNull(onUpdate);
        var subscriber = new Subscriber(this, onUpdate, time);
        var start = false;
        lock (gate)
        {
            subscribers = subscribers.Add(subscriber);

            // Offered under the lock: a publication that follows offers its newer state after this one.
            if (Current is { } current)
            {
                start = subscriber.Offer(current with { Events = [] }, published);
            }
        }

        if (start)
        {
            Deliver([subscriber]);
        }

        return subscriber;
    }

    /// <summary>Offers <paramref name="update"/> to <paramref name="targets"/> and starts the deliveries of those that were idle.</summary>
    private static void Offer(ImmutableList<Subscriber> targets, ClusterUpdate update, long sequence)
    {
        List<Subscriber>? idle = null;
        foreach (var subscriber in targets)
        {
            if (subscriber.Offer(update, sequence))
            {
                (idle ??= []).Add(subscriber);
            }
        }

        if (idle is not null)
        {
            Deliver(idle);
        }
    }

    /// <summary>
    /// Starts the deliveries of <paramref name="idle"/> (subscribers with an update waiting and no delivery under way)
    /// off the publisher's thread, from at most one thread-pool work item per core, which take the subscribers in turn:
    /// each delivery runs there until its callback has to wait (a busy circuit, a slow client: it goes on by itself when
    /// the callback completes) or its bucket is empty (it goes on when a token comes back). A publication so costs a
    /// few work items, not one per subscriber, and a callback that blocks its thread holds up only the subscribers
    /// behind it in its own work item's turn while the other work items take the rest.
    /// </summary>
    private static void Deliver(List<Subscriber> idle)
    {
        var turns = new DeliveryTurns(idle);
        for (var i = Math.Min(Environment.ProcessorCount, idle.Count); i > 0; i--)
        {
            ThreadPool.UnsafeQueueUserWorkItem(turns, preferLocal: false);
        }
    }

    /// <summary>One publication's idle subscribers, handed out one at a time to the work items that start their deliveries.</summary>
    private sealed class DeliveryTurns(List<Subscriber> idle) : IThreadPoolWorkItem
    {
        private int next = -1;

        public void Execute()
        {
            int turn;
            while ((turn = Interlocked.Increment(ref next)) < idle.Count)
            {
                idle[turn].StartDelivery();
            }
        }
    }

    private void Remove(Subscriber subscriber)
    {
        lock (gate)
        {
            subscribers = subscribers.Remove(subscriber);
        }
    }

    private sealed class StateWaiter(Func<ClusterUpdate, bool> condition)
    {
        private readonly TaskCompletionSource<ClusterUpdate> reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<ClusterUpdate> Reached => reached.Task;

        /// <summary>Completes the wait if <paramref name="update"/> satisfies the condition; a throwing condition ends the wait with its error.</summary>
        public bool TryComplete(ClusterUpdate update)
        {
            if (reached.Task.IsCompleted)
            {
                return true;
            }

            try
            {
                return condition(update) && reached.TrySetResult(update);
            }
#pragma warning disable CA1031 // The waiter's own error is handed to the waiter, never to the engine that publishes.
            catch (Exception error)
#pragma warning restore CA1031
            {
                reached.TrySetException(error);
                return true;
            }
        }
    }

    private sealed class Subscriber : IDisposable
    {
        private readonly ClusterFeed feed;
        private readonly Func<ClusterUpdate, Task> onUpdate;
        private readonly TimeProvider time;
        private readonly Lock gate = new();
        private readonly CancellationTokenSource disposed = new();
        private readonly CancellationToken stopping;
        private int disposeCalls;
        private ClusterUpdate? waiting;

        /// <summary>The newest state offered and its place in the feed's order (under <see cref="gate"/>).</summary>
        private ClusterUpdate? newest;
        private long newestSequence = -1;

        /// <summary>1 while a delivery (<see cref="DeliverAsync"/>) is under way or about to start: the callback is called one update at a time.</summary>
        private int delivering;

        /// <summary>The execution context the subscriber subscribed in (a circuit's): its deliveries run in it, whoever starts them.</summary>
        private readonly ExecutionContext? context = ExecutionContext.Capture();

        /// <summary>
        /// The token bucket, kept as the time it will be full again: each delivery takes a token, i.e. moves this one
        /// <see cref="TokenInterval"/> later (from now at the latest: a full bucket gains nothing by waiting), and a
        /// token is left while it is at most <see cref="BurstDeliveries"/> - 1 intervals ahead of the clock. Read and
        /// written by the pump only.
        /// </summary>
        private DateTimeOffset bucketFullAt;

        /// <summary>The last exception the subscriber's callback threw (kept for diagnostics).</summary>
        public Exception? LastError { get; private set; }

        public Subscriber(ClusterFeed feed, Func<ClusterUpdate, Task> onUpdate, TimeProvider time)
        {
            this.feed = feed;
            this.onUpdate = onUpdate;
            this.time = time;
            bucketFullAt = time.GetUtcNow();
            stopping = disposed.Token;
        }

        /// <summary>
        /// Keeps <paramref name="update"/>, the state made current <paramref name="sequence"/>-th, merged into what
        /// already waits; true when no delivery is under way, so the caller must start one (<see cref="StartDelivery"/>),
        /// and it is now marked as under way. Publications offer outside the feed's lock, so a newer state can be offered
        /// first (the explainer's republication of the current state overtaken by the engine's next one): an older state
        /// never replaces a newer one; its events, if any, go out with the newer state.
        /// </summary>
        public bool Offer(ClusterUpdate update, long sequence)
        {
            lock (gate)
            {
                if (sequence < newestSequence)
                {
                    if (update.Events.IsEmpty && !update.EventsTruncated)
                    {
                        return false;
                    }

                    update = newest! with { Events = update.Events, EventsTruncated = update.EventsTruncated };
                }
                else
                {
                    newest = update;
                    newestSequence = sequence;
                }

                waiting = waiting is null ? update : Merge(waiting, update);
            }

            return !stopping.IsCancellationRequested && Interlocked.CompareExchange(ref delivering, 1, 0) == 0;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposeCalls, 1) == 1)
            {
                return;
            }

            feed.Remove(this);
            disposed.Cancel();
            disposed.Dispose();
        }

        private static ClusterUpdate Merge(ClusterUpdate older, ClusterUpdate newer)
        {
            var events = older.Events.AddRange(newer.Events);
            var truncated = older.EventsTruncated || newer.EventsTruncated || events.Length > MaxEventsPerUpdate;
            if (events.Length > MaxEventsPerUpdate)
            {
                events = events[^MaxEventsPerUpdate..];
            }

            return newer with { Events = events, EventsTruncated = truncated };
        }

        /// <summary>
        /// Waits until the clock reaches <paramref name="due"/>. The timer is armed before the clock is read again, so a
        /// clock that moves on while the timer is being armed (a test's FakeTimeProvider.Advance on another thread) is
        /// never missed: either the timer sees the move or the second reading does.
        /// </summary>
        private async Task WaitUntilAsync(DateTimeOffset due)
        {
            var wait = due - time.GetUtcNow();
            if (wait <= TimeSpan.Zero)
            {
                return;
            }

            using var armed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var delay = Task.Delay(wait, time, armed.Token);
            if (time.GetUtcNow() >= due)
            {
                await armed.CancelAsync().ConfigureAwait(false);
                stopping.ThrowIfCancellationRequested();
                return;
            }

            await delay.ConfigureAwait(false);
        }

        /// <summary>When the bucket has a token again (a time already past if it has one now).</summary>
        private DateTimeOffset NextTokenAt() => bucketFullAt - ((BurstDeliveries - 1) * feed.TokenInterval);

        private void TakeToken()
        {
            var now = time.GetUtcNow();
            bucketFullAt = (bucketFullAt > now ? bucketFullAt : now) + feed.TokenInterval;
        }

        /// <summary>Runs <see cref="DeliverAsync"/> in the subscriber's own execution context, up to its first wait.</summary>
        public void StartDelivery()
        {
            if (context is null)
            {
                _ = DeliverAsync();
                return;
            }

            ExecutionContext.Run(context, static state => _ = ((Subscriber)state!).DeliverAsync(), this);
        }

        /// <summary>
        /// Delivers what waits, one update at a time and paced by the bucket, until nothing waits; then it ends, and the
        /// next offer starts a new one. Started by whoever offered an update while none was under way.
        /// </summary>
        private async Task DeliverAsync()
        {
            try
            {
                while (true)
                {
                    stopping.ThrowIfCancellationRequested();
                    if (!Waits())
                    {
                        Volatile.Write(ref delivering, 0);

                        // An offer between the check and the reset saw a delivery under way and started none: take it on.
                        if (!Waits() || Interlocked.CompareExchange(ref delivering, 1, 0) != 0)
                        {
                            return;
                        }
                    }

                    await WaitUntilAsync(NextTokenAt()).ConfigureAwait(false);

                    ClusterUpdate? update;
                    lock (gate)
                    {
                        update = waiting;
                        waiting = null;
                    }

                    if (update is null)
                    {
                        continue;
                    }

                    TakeToken();
                    try
                    {
                        await onUpdate(update).ConfigureAwait(false);
                    }
#pragma warning disable CA1031 // A failing subscriber must not stop its own feed, nor anyone else's.
                    catch (Exception error) when (!stopping.IsCancellationRequested)
#pragma warning restore CA1031
                    {
                        LastError = error;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Unsubscribed.
            }
        }

        private bool Waits()
        {
            lock (gate)
            {
                return waiting is not null;
            }
        }
    }
}
