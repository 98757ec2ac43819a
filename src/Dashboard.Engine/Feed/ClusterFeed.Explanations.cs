using System.Collections.Immutable;

namespace Dashboard.Engine.Feed;

/// <summary>
/// The waiting jobs' explanations beside the state: computed off the engine's writer, they arrive on their own and
/// every update published later carries the newest of them (with the time of the state they were computed from).
/// </summary>
public sealed partial class ClusterFeed
{
    private WaitingExplanationSet explained = WaitingExplanationSet.None;

    /// <summary>The newest explanations published (<see cref="WaitingExplanationSet.None"/> until the first).</summary>
    public WaitingExplanationSet Explanations
    {
        get
        {
            lock (gate)
            {
                return explained;
            }
        }
    }

    /// <summary>
    /// Publishes explanations computed from the state of version <see cref="WaitingExplanationSet.Version"/>: the
    /// current state is published again with them (no events), unless newer explanations came first.
    /// </summary>
    public void PublishExplanations(WaitingExplanationSet explanations)
    {
        ArgumentNullException.ThrowIfNull(explanations);
        ClusterUpdate? update;
        ImmutableList<Subscriber> targets;
        ImmutableList<StateWaiter> pending;
        long sequence;
        lock (gate)
        {
            if (explanations.Version < explained.Version)
            {
                return;
            }

            explained = explanations;
            // The current state keeps its batch's events (a waiter that starts now still sees them); subscribers,
            // who have had them, get the explanations alone.
            update = Current is null ? null : Current with { Explanations = explanations.ByJob, ExplanationsAsOf = explanations.AsOf, ExplanationsVersion = explanations.Version };
            Current = update;
            sequence = ++published;
            targets = subscribers;
            pending = waiters;
        }

        if (update is null)
        {
            return;
        }

        OffersStarting?.Invoke();
        Offer(targets, update with { Events = [], EventsTruncated = false }, sequence);

        foreach (var waiter in pending)
        {
            if (waiter.TryComplete(update))
            {
                RemoveWaiter(waiter);
            }
        }
    }

    /// <summary>The update with <paramref name="explanations"/> when they are newer than the ones it carries.</summary>
    private static ClusterUpdate WithExplanations(ClusterUpdate update, WaitingExplanationSet explanations) =>
        explanations.Version > update.ExplanationsVersion || (explanations.Version == update.ExplanationsVersion && explanations.AsOf > update.ExplanationsAsOf)
            ? update with { Explanations = explanations.ByJob, ExplanationsAsOf = explanations.AsOf, ExplanationsVersion = explanations.Version }
            : update;
}
