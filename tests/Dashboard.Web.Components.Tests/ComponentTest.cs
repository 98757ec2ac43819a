using Dashboard.Engine.Feed;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// The one fixture every component test derives from, as MudBlazor's own tests do: a bunit context with loose JS
/// interop, MudBlazor's services, an interactive server renderer and a real <see cref="ClusterFeed"/> to publish into.
/// </summary>
public abstract class ComponentTest : BunitContext
{
    /// <summary>How long a test waits for a published update to reach the rendered markup before it fails.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <param name="addServices">A test's own services: they must be added here, before the renderer is set up.</param>
    protected ComponentTest(Action<IServiceCollection>? addServices = null)
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(Feed);
        addServices?.Invoke(Services);
        Renderer.SetRendererInfo(new RendererInfo("Server", true));
    }

    /// <summary>The engine's feed, on the real clock: it delivers at most one update per coalescing interval (100 ms).</summary>
    protected ClusterFeed Feed { get; } = new(TimeProvider.System);
}
