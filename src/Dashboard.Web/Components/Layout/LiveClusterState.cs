using Dashboard.Engine.Feed;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The newest coalesced cluster state, handed down by <see cref="MainLayout"/> as a cascading value (a new instance per
/// update; <see cref="Update"/> is null until the engine has published once). With it a circuit holds one feed
/// subscription, the layout's, and one live update renders the app bar's totals, the page and its quota panel in one
/// render batch, one message to the browser, where one subscription per component sent one batch each. A component
/// that receives none (rendered without the layout, or while prerendering) reads and subscribes to the feed itself.
/// </summary>
public sealed record LiveClusterState(ClusterUpdate? Update)
{
    /// <summary>
    /// True when nothing the components that take this state show differs between <paramref name="shown"/> and
    /// <paramref name="next"/>, each by its own declaration (<see cref="ILiveView.ShowsSame"/>, all of them found in
    /// <see cref="LiveViews.All"/>: today the app bar's totals, the Cluster page's nodes, legend and elastic pools, and
    /// the quota rows before filtering per user). The layout then does not cascade <paramref name="next"/> at all: its
    /// own render, even with nothing below it rendering, would still send the browser a render batch, and an unchanged
    /// update must cost the browser nothing.
    /// </summary>
    /// <remarks>
    /// Every circuit asks this of the same two updates (the one it shows, usually the one all show, and the one just
    /// published), so the last answer is kept and given again: one comparison per update, not one per circuit. The
    /// views' answers depend on the two updates only.
    /// </remarks>
    public static bool ShowSame(ClusterUpdate shown, ClusterUpdate next)
    {
        ArgumentNullException.ThrowIfNull(shown);
        ArgumentNullException.ThrowIfNull(next);
        if (ReferenceEquals(shown, next))
        {
            return true;
        }

        if (Volatile.Read(ref lastAnswer) is { } answer && ReferenceEquals(answer.Shown, shown) && ReferenceEquals(answer.Next, next))
        {
            return answer.Same;
        }

        var same = true;
        foreach (var view in LiveViews.All)
        {
            if (!view.ShowsSame(shown, next))
            {
                same = false;
                break;
            }
        }

        Volatile.Write(ref lastAnswer, new Answer(shown, next, same));
        return same;
    }

    private static Answer? lastAnswer;

    /// <summary>What <see cref="ShowSame"/> answered last, for which two updates.</summary>
    private sealed class Answer(ClusterUpdate shown, ClusterUpdate next, bool same)
    {
        public ClusterUpdate Shown { get; } = shown;

        public ClusterUpdate Next { get; } = next;

        public bool Same { get; } = same;
    }
}
