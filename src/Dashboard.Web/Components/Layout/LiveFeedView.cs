using Dashboard.Engine.Feed;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The one way a component subscribes to the feed. A page that acts on every update the feed publishes (the events of
/// a job, each new snapshot) subscribes through <see cref="EveryUpdate"/>: the layout's cascade passes on only the
/// updates that change what the live views show (<see cref="LiveClusterState.ShowSame"/>), and coalesces them.
/// A component that shows a view of the cluster state uses <see cref="LiveFeedView{TView}"/>.
/// </summary>
public static class LiveFeedView
{
    /// <summary>
    /// Subscribes <paramref name="onUpdate"/> to every update the feed publishes, from the first interactive render
    /// (a prerender does not subscribe: it reads <see cref="ClusterFeed.Current"/>); null when not interactive.
    /// </summary>
    /// <param name="onUpdate">Called on the feed's thread: a component passes its work through <c>InvokeAsync</c>.</param>
    public static IDisposable? EveryUpdate(ClusterFeed feed, bool interactive, Func<ClusterUpdate, Task> onUpdate)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(onUpdate);
        return interactive ? feed.Subscribe(onUpdate) : null;
    }
}

/// <summary>
/// What a live component shows of the cluster, kept current: the feed's current state at once (also while
/// prerendering), then the layout's <see cref="LiveClusterState"/> (the circuit's one subscription) or, for a component
/// rendered without the layout, its own feed subscription. The component says what it shows (<c>viewOf</c>) and calls
/// <see cref="Start"/> from <c>OnInitialized</c>, <see cref="Follow"/> from <c>OnParametersSet</c> and
/// <see cref="Dispose"/> from its own; its <c>ShouldRender</c> still compares <see cref="View"/> by value.
/// </summary>
public sealed class LiveFeedView<TView>(ClusterFeed feed, Func<ClusterUpdate, TView> viewOf, TView empty) : IDisposable
{
    private ClusterUpdate? shown;
    private IDisposable? subscription;

    /// <summary>What the component shows now.</summary>
    public TView View { get; private set; } = empty;

    /// <param name="live">The layout's cascaded state; null without the layout or while prerendering.</param>
    /// <param name="interactive">The component's <c>RendererInfo.IsInteractive</c>: only a live circuit subscribes.</param>
    /// <param name="redraw">Runs the change on the component's dispatcher and renders it (<c>InvokeAsync</c>, then <c>StateHasChanged</c>).</param>
    public void Start(LiveClusterState? live, bool interactive, Func<Action, Task> redraw)
    {
        ArgumentNullException.ThrowIfNull(redraw);
        if (live is not null)
        {
            return;
        }

        if (feed.Current is { } current)
        {
            Show(current);
        }

        subscription = LiveFeedView.EveryUpdate(feed, interactive, update => redraw(() => Show(update)));
    }

    /// <summary>Takes the layout's newest update, when it is one this view has not shown yet.</summary>
    public void Follow(LiveClusterState? live)
    {
        if (live?.Update is { } update && !ReferenceEquals(update, shown))
        {
            Show(update);
        }
    }

    public void Dispose() => subscription?.Dispose();

    private void Show(ClusterUpdate update)
    {
        shown = update;
        View = viewOf(update);
    }
}
