using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The circuit's <see cref="LiveClusterState"/>, supplied as a cascading value from the service scope (registered with
/// <see cref="Add"/>) to every component that takes it (the app bar's totals, the bell, the page, its quota panel):
/// <see cref="LiveCluster"/> sets it and notifies them. It replaces a <c>CascadingValue</c> component and the
/// <c>StableContent</c> around the layout that kept the layout from rendering with each update: two components, their
/// render buffers and bookkeeping held by every circuit. Null while prerendering (and in a circuit until
/// <see cref="LiveCluster"/> starts): the components then read the feed's current state themselves.
/// </summary>
public sealed class LiveClusterSource() : CascadingValueSource<LiveClusterState?>(value: null, isFixed: false)
{
    /// <summary>Registers the scope's <see cref="LiveClusterSource"/> and supplies it as the cascading <see cref="LiveClusterState"/>.</summary>
    public static IServiceCollection Add(IServiceCollection services)
    {
        services.AddScoped<LiveClusterSource>();
        return services.AddCascadingValue(provider => (CascadingValueSource<LiveClusterState?>)provider.GetRequiredService<LiveClusterSource>());
    }
}
