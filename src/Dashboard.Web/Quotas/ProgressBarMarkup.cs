using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Dashboard.Web.Quotas;

/// <summary>The size of a <see cref="ProgressBarMarkup"/> bar, as MudBlazor names it in its classes.</summary>
public enum BarSize
{
    Small,
    Medium,
}

/// <summary>The theme colour of a <see cref="ProgressBarMarkup"/> bar, as MudBlazor names it in its classes.</summary>
public enum BarColour
{
    Primary,
    Secondary,
    Warning,
}

/// <summary>
/// A rounded, determinate bar written as the HTML MudBlazor's <c>MudProgressLinear</c> draws (the same element, classes,
/// role and aria values, so it looks and reads alike), for text shared by every circuit: a component is render buffers
/// and per-update work in each circuit that shows it, and a live bar changes with every update.
/// </summary>
public static class ProgressBarMarkup
{
    /// <summary>
    /// Appends the bar at <paramref name="value"/> (0-100; outside that range the bar is drawn empty or full, and
    /// aria-valuenow says the value as given) labelled <paramref name="label"/> (encoded: it may carry a team's name).
    /// </summary>
    public static StringBuilder AppendBar(this StringBuilder html, double value, string label, BarColour colour, BarSize size, string? cssClass = null)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(label);
        var filled = Math.Clamp(value, 0, 100);
        var empty = (int)Math.Round(100 - filled);
        html.Append("<div role=\"progressbar\" aria-busy=\"").Append(filled < 100 ? "true" : "false")
            .Append("\" aria-valuenow=\"").Append(value.ToString(CultureInfo.InvariantCulture))
            .Append("\" aria-valuemin=\"0\" aria-valuemax=\"100\" aria-live=\"polite\" class=\"mud-progress-linear mud-progress-linear-rounded mud-progress-linear-")
            .Append(size == BarSize.Small ? "small" : "medium")
            .Append(" mud-progress-linear-color-").Append(ColourName(colour))
            .Append(" mud-progress-linear-background horizontal");
        if (cssClass is not null)
        {
            html.Append(' ').Append(HtmlEncoder.Default.Encode(cssClass));
        }

        return html.Append("\" aria-label=\"").Append(HtmlEncoder.Default.Encode(label))
            .Append("\"><div class=\"mud-progress-linear-bars mud-flip-x-rtl\"><div class=\"mud-progress-linear-bar\" style=\"transform: translateX(-")
            .Append(empty.ToString(CultureInfo.InvariantCulture)).Append("%);\"></div></div></div>");
    }

    private static string ColourName(BarColour colour) => colour switch
    {
        BarColour.Primary => "primary",
        BarColour.Secondary => "secondary",
        _ => "warning",
    };
}
