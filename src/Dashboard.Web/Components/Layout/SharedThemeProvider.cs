using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// MudBlazor's theme style sheets without a MudThemeProvider in every circuit. The provider's markup (the theme's CSS
/// variables, ~23 KB, and the scrollbar rules) is rendered once per theme and mode by a <see cref="MudThemeProvider"/>
/// in an <see cref="HtmlRenderer"/>, and every circuit draws that one shared text. A provider in a circuit held its own
/// default <see cref="MudTheme"/> (108 colours), parameter states, and made three JS interop calls whose argument and
/// result types each circuit's JSON options cached (~25 KB a circuit); the app stores the mode itself
/// (<see cref="ThemeChoice"/>), so the provider's watch of the system's dark mode is not wanted.
/// </summary>
public sealed class SharedThemeProvider : ComponentBase
{
    private static readonly ConditionalWeakTable<MudTheme, ConcurrentDictionary<bool, Task<string>>> StyleSheets = [];

    private string? drawn;
    private string? styleSheet;

    [Inject]
    private IServiceProvider Services { get; set; } = default!;

    /// <summary>The theme drawn; MudBlazor's default theme when null.</summary>
    [Parameter]
    public MudTheme? Theme { get; set; }

    /// <summary>Whether the dark palette is drawn.</summary>
    [Parameter]
    public bool IsDarkMode { get; set; }

    /// <summary>The style sheets MudThemeProvider draws for <paramref name="theme"/> in the given mode, made once per process.</summary>
    public static Task<string> StyleSheetFor(MudTheme theme, bool dark, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(theme);
        ArgumentNullException.ThrowIfNull(services);
        var modes = StyleSheets.GetValue(theme, _ => new ConcurrentDictionary<bool, Task<string>>());
        var sheet = modes.GetOrAdd(dark, _ => RenderAsync(theme, dark, services));
        if (sheet.IsFaulted || sheet.IsCanceled)
        {
            // A failed rendering is not kept: the next circuit tries again.
            modes.TryRemove(new KeyValuePair<bool, Task<string>>(dark, sheet));
        }

        return sheet;
    }

    protected override async Task OnParametersSetAsync() =>
        styleSheet = await StyleSheetFor(Theme ?? DefaultTheme, IsDarkMode, Services);

    /// <summary>Renders again only when the text changed (another mode or theme): the text itself is shared.</summary>
    protected override bool ShouldRender() => !ReferenceEquals(drawn, styleSheet);

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        drawn = styleSheet;
        if (styleSheet is not null)
        {
            builder.AddMarkupContent(0, styleSheet);
        }
    }

    private static MudTheme DefaultTheme { get; } = new();

    private static async Task<string> RenderAsync(MudTheme theme, bool dark, IServiceProvider services)
    {
        await using var renderer = new HtmlRenderer(services, services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var parameters = ParameterView.FromDictionary(new Dictionary<string, object?>
            {
                [nameof(MudThemeProvider.Theme)] = theme,
                [nameof(MudThemeProvider.IsDarkMode)] = dark,
                [nameof(MudThemeProvider.ObserveSystemDarkModeChange)] = false,
            });
            var output = await renderer.RenderComponentAsync<MudThemeProvider>(parameters);
            return output.ToHtmlString();
        });
    }
}
