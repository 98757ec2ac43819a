using Dashboard.Engine.Feed;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The circuit's one feed subscription (from the first interactive render), drawn by the layout beside its content and
/// drawing nothing itself. Each coalesced update that changes what some live view shows (<see cref="LiveClusterState.ShowSame"/>)
/// becomes a new <see cref="LiveClusterState"/> in the scope's <see cref="LiveClusterSource"/>, and the components that
/// take it render, each only when what it shows changed by value; an update that changes nothing shown is not even
/// passed on, so it sends the browser no batch. The layout and its content are not rendered again.
/// </summary>
/// <remarks>
/// The source is notified from this component's own (empty) render, so that the components it notifies render in the
/// same render batch: notified from outside a render, each would render, and be sent to the browser, in a batch of its
/// own.
/// </remarks>
public sealed class LiveCluster : IComponent, IDisposable
{
    private RenderHandle renderHandle;
    private IDisposable? subscription;
    private LiveClusterState? live;

    public LiveCluster() => Notify = _ =>
    {
        var notified = Source.NotifyChangedAsync(live);
        if (notified.IsFaulted)
        {
            // A failure while notifying (not while rendering, which the renderer handles) fails this render, as a
            // CascadingValue's would have failed its own.
            notified.GetAwaiter().GetResult();
        }
    };

    [Inject]
    private ClusterFeed Feed { get; set; } = default!;

    [Inject]
    private LiveClusterSource Source { get; set; } = default!;

    /// <summary>What this component's render does: it notifies <see cref="Source"/> with the newest state, and draws nothing.</summary>
    private RenderFragment Notify { get; }

    public void Attach(RenderHandle renderHandle) => this.renderHandle = renderHandle;

    public Task SetParametersAsync(ParameterView parameters)
    {
        parameters.SetParameterProperties(this);
        if (subscription is null && renderHandle.RendererInfo.IsInteractive)
        {
            // Set before the content beside and after this component is first drawn (it comes first in the layout).
            live = new LiveClusterState(Feed.Current);
            _ = Source.NotifyChangedAsync(live);
            subscription = Feed.Subscribe(update => renderHandle.Dispatcher.InvokeAsync(() =>
            {
                if (live?.Update is { } shown && LiveClusterState.ShowSame(shown, update))
                {
                    return;
                }

                live = new LiveClusterState(update);
                renderHandle.Render(Notify);
            }));
        }

        return Task.CompletedTask;
    }

    public void Dispose() => subscription?.Dispose();
}
