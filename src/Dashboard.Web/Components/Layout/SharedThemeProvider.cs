using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components.RenderTree;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// MudBlazor's theme provider whose style sheets are shared by every circuit. MudThemeProvider writes the theme's CSS
/// variables (~11,600 characters, 23 KB) as a new string at each render, and every circuit's render tree held its own
/// copy; this one draws the same markup, with each text taken from a small process-wide set (one per theme and mode).
/// Anything else in the provider's output (a future MudBlazor version) is drawn as the provider draws it.
/// </summary>
public sealed class SharedThemeProvider : MudThemeProvider
{
    // Texts seen: a handful (light and dark of one theme, the scrollbar and chart rules); bounded all the same.
    private static readonly ConcurrentDictionary<string, string> Texts = new(StringComparer.Ordinal);

    // Reading the provider's frames (RenderTreeFrame, BL0006) is what lets its texts be shared; should the frame types
    // change in a future Blazor, a frame that is not markup makes this draw exactly what the provider draws.
#pragma warning disable BL0006
    protected override void BuildRenderTree(RenderTreeBuilder __builder)
    {
        var builder = __builder;
        ArgumentNullException.ThrowIfNull(builder);
        using var scratch = new RenderTreeBuilder();
        base.BuildRenderTree(scratch);
        var frames = scratch.GetFrames();
        for (var i = 0; i < frames.Count; i++)
        {
            if (frames.Array[i].FrameType is not (RenderTreeFrameType.Markup or RenderTreeFrameType.Region))
            {
                base.BuildRenderTree(builder);
                return;
            }
        }

        for (var i = 0; i < frames.Count; i++)
        {
            if (frames.Array[i].FrameType == RenderTreeFrameType.Markup)
            {
                builder.AddMarkupContent(0, Shared(frames.Array[i].MarkupContent));
            }
        }
    }
#pragma warning restore BL0006

    private static string Shared(string text) =>
        Texts.TryGetValue(text, out var shared) ? shared : Texts.Count < 64 ? Texts.GetOrAdd(text, text) : text;
}
