using System.Collections.ObjectModel;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Feed;

/// <summary>
/// Why each waiting job waits and when it is expected to start, as computed off the engine's writer from the state
/// published as <see cref="Version"/> at <see cref="AsOf"/>: pages show "as of" that time beside the explanations.
/// <see cref="ByJob"/> is never changed once published (a read-only view of a dictionary built once per state: an
/// immutable tree of 100,000 entries cost the explainer 2-5 times its whole planning pass).
/// </summary>
public sealed record WaitingExplanationSet(long Version, DateTimeOffset? AsOf, IReadOnlyDictionary<JobId, PendingExplanation> ByJob)
{
    /// <summary>Nothing explained yet.</summary>
    public static WaitingExplanationSet None { get; } = new(0, null, ReadOnlyDictionary<JobId, PendingExplanation>.Empty);
}
