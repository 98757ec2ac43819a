using System.Collections.Immutable;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Feed;

/// <summary>
/// Why each waiting job waits and when it is expected to start, as computed off the engine's writer from the state
/// published as <see cref="Version"/> at <see cref="AsOf"/>: pages show "as of" that time beside the explanations.
/// </summary>
public sealed record WaitingExplanationSet(long Version, DateTimeOffset? AsOf, ImmutableDictionary<JobId, PendingExplanation> ByJob)
{
    /// <summary>Nothing explained yet.</summary>
    public static WaitingExplanationSet None { get; } = new(0, null, ImmutableDictionary<JobId, PendingExplanation>.Empty);
}
