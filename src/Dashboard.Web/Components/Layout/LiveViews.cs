using System.Collections.Immutable;
using System.Reflection;
using Dashboard.Engine.Feed;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The live views of this assembly, found once by reflection: every type that takes the layout's
/// <see cref="LiveClusterState"/> as a cascading parameter, each with its own <see cref="ILiveView.ShowsSame"/>.
/// Built from the types, not from what is mounted, so the layout never drops an update that a page opened later needs.
/// </summary>
public static class LiveViews
{
    private static readonly Lazy<ImmutableArray<LiveView>> all = new(() => Find(typeof(LiveViews).Assembly));

    /// <summary>One live view: its type and what it says about two updates.</summary>
    public sealed record LiveView(Type Type, Func<ClusterUpdate, ClusterUpdate, bool> ShowsSame);

    /// <summary>Every live view of this assembly.</summary>
    public static ImmutableArray<LiveView> All => all.Value;

    /// <summary>
    /// The live views of <paramref name="assembly"/>. Throws when a type takes <see cref="LiveClusterState"/> without
    /// declaring <see cref="ILiveView"/>: the layout could not know which updates it needs.
    /// </summary>
    public static ImmutableArray<LiveView> Find(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var takers = assembly.GetTypes().Where(TakesLiveState).ToList();
        var undeclared = takers.Where(type => !typeof(ILiveView).IsAssignableFrom(type)).Select(type => type.FullName).ToList();
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException(
                $"{string.Join(", ", undeclared)} take the layout's {nameof(LiveClusterState)} but do not implement {nameof(ILiveView)}: "
                + "say what they show, or the layout may skip an update they need.");
        }

        var declare = typeof(LiveViews).GetMethod(nameof(Declared), BindingFlags.NonPublic | BindingFlags.Static)!;
        return [.. takers.OrderBy(type => type.FullName, StringComparer.Ordinal).Select(type => new LiveView(
            type, declare.MakeGenericMethod(type).CreateDelegate<Func<ClusterUpdate, ClusterUpdate, bool>>()))];
    }

    private static bool Declared<TView>(ClusterUpdate shown, ClusterUpdate next)
        where TView : ILiveView => TView.ShowsSame(shown, next);

    private static bool TakesLiveState(Type type) =>
        type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Any(property => property.PropertyType == typeof(LiveClusterState) && property.IsDefined(typeof(CascadingParameterAttribute), inherit: true));
}
