using Dashboard.Engine.Feed;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// A component that takes the layout's <see cref="LiveClusterState"/> declares with this what it shows of an update.
/// The layout passes an update on only when some live view shows it differently (<see cref="LiveClusterState.ShowSame"/>);
/// the views are found in the assembly at start-up (<see cref="LiveViews"/>), so a new one cannot be left out, and one
/// that takes the state without declaring this stops the start-up with its name.
/// </summary>
public interface ILiveView
{
    /// <summary>True when nothing this view shows differs between <paramref name="shown"/> and <paramref name="next"/>.</summary>
    static abstract bool ShowsSame(ClusterUpdate shown, ClusterUpdate next);
}
