using Dashboard.Engine.Feed;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The newest coalesced cluster state, handed down by <see cref="MainLayout"/> as a cascading value (a new instance per
/// update; <see cref="Update"/> is null until the engine has published once). With it a circuit holds one feed
/// subscription, the layout's, and one live update renders the app bar's totals, the page and its quota panel in one
/// render batch, one message to the browser, where one subscription per component sent one batch each. A component
/// that receives none (rendered without the layout, or while prerendering) reads and subscribes to the feed itself.
/// </summary>
public sealed record LiveClusterState(ClusterUpdate? Update);
