using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The stored light or dark choice (<see cref="ThemeChoice"/>) of this circuit or request: the app's routes set it from
/// the parameter the app read from the request, and the layout receives it as the cascading value
/// <see cref="ThemeChoice.CascadeName"/>, supplied from the service scope (<see cref="AddStoredTheme"/>) rather than by a
/// CascadingValue component around the router: that component was render buffers held by every circuit for one fixed
/// boolean.
/// </summary>
public sealed class StoredTheme
{
    /// <summary>True when the stored choice is dark; read once, when the layout first asks for it.</summary>
    public bool IsDark { get; set; }

    /// <summary>Registers the scope's <see cref="StoredTheme"/> and the fixed cascading value the layout reads from it.</summary>
    public static IServiceCollection AddStoredTheme(IServiceCollection services)
    {
        services.AddScoped<StoredTheme>();
        return services.AddCascadingValue(ThemeChoice.CascadeName, provider => provider.GetRequiredService<StoredTheme>().IsDark);
    }
}
