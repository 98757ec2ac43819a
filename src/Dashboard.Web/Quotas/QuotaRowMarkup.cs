using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Quotas;

/// <summary>
/// A quota table's row as one piece of HTML, made once per row (and layout) and shared by every circuit that shows it:
/// a circuit's render tree holds one frame per row that points at this text, where the row's elements, its bars
/// (MudProgressLinear) and its borrowing chip (MudChip) were components rendered again in every circuit at every update.
/// Nothing in a row depends on who looks (a member is shown fewer rows, not other rows), so one text serves everyone.
/// The bars keep MudProgressLinear's markup (role=progressbar and its aria values), the chip MudChip's. Every value
/// is HTML-encoded (team names come from people).
/// </summary>
public static class QuotaRowMarkup
{
    private static readonly ConditionalWeakTable<TeamQuotaRow, Texts> Made = [];

    /// <summary>The row's HTML: compact (the Cluster page's panel: CPU and memory as text) or full (bars for each).</summary>
    public static MarkupString Of(TeamQuotaRow row, bool compact)
    {
        ArgumentNullException.ThrowIfNull(row);
        var texts = Made.GetOrCreateValue(row);
        return new(compact ? texts.Compact ??= Build(row, compact: true) : texts.Full ??= Build(row, compact: false));
    }

    private static string Build(TeamQuotaRow row, bool compact)
    {
        var html = HtmlEncoder.Default;
        var team = html.Encode(row.Team);
        var text = new StringBuilder(compact ? 1_400 : 2_600);
        text.Append("<div class=\"quota-row\" data-team=\"").Append(team).Append("\"><div class=\"quota-team\">")
            .Append("<span class=\"team-swatch\" style=\"background-color: ").Append(html.Encode(row.Colour)).Append("\"></span> <b>")
            .Append(team).Append("</b>");
        if (row.Borrowing)
        {
            text.Append("<div class=\"mud-chip-container\"><div class=\"mud-chip mud-chip-outlined mud-chip-size-small mud-chip-color-warning\" tabindex=\"-1\">")
                .Append("<span class=\"mud-chip-content\">borrowing</span></div></div>");
        }

        text.Append("</div> <div class=\"quota-gpus\"><div class=\"quota-numbers\"><span>GPUs <b data-field=\"used\">").Append(Number(row.Gpus.Used))
            .Append("</b> / <b data-field=\"nominal\">").Append(Number(row.Gpus.Nominal)).Append("</b></span> ")
            .Append("<span title=\"Use above the nominal quota (preemptible)\">borrowed <b data-field=\"borrowed\">").Append(Number(row.Gpus.Borrowed)).Append("</b></span> ")
            .Append("<span title=\"Idle nominal quota other teams are using now\">lent <b data-field=\"lent\">").Append(Number(row.Gpus.Lent)).Append("</b></span>");
        if (!compact)
        {
            text.Append("<span class=\"mud-text-secondary\">may borrow up to ").Append(Number(row.Gpus.BorrowingLimit)).Append("</span>");
        }

        text.Append("</div>")
            .AppendBar(row.Gpus.WithinPercent, $"{row.Team}: GPUs used within the nominal quota", BarColour.Primary, compact ? BarSize.Small : BarSize.Medium, "quota-within");
        if (row.Gpus.Borrowed > 0)
        {
            text.AppendBar(row.Gpus.UsedPercent, $"{row.Team}: GPUs used, borrowed included", BarColour.Warning, BarSize.Small, "quota-borrowed");
        }

        text.Append("</div>");
        if (compact)
        {
            text.Append("<div class=\"quota-compact-text mud-text-secondary\">CPU ").Append(html.Encode(row.CpuText))
                .Append(" · Memory ").Append(html.Encode(row.MemoryText)).Append("</div>");
        }
        else
        {
            Resource(text, "cpu", "CPU", "CPU", row.CpuText, row.Cpu, row.Team);
            Resource(text, "memory", "Memory", "memory", row.MemoryText, row.Memory, row.Team);
        }

        return text.Append("</div>").ToString();
    }

    private static void Resource(StringBuilder text, string resource, string heading, string labelWord, string amount, ResourceLine line, string team) =>
        text.Append(" <div class=\"quota-resource\" data-resource=\"").Append(resource).Append("\"><span>").Append(heading).Append(' ')
            .Append(HtmlEncoder.Default.Encode(amount)).Append("</span> ")
            .AppendBar(100.0 * line.Used / line.Scale, $"{team}: {labelWord} {amount}", line.Borrowed > 0 ? BarColour.Warning : BarColour.Secondary, BarSize.Small)
            .Append("</div>");

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The row's two texts, each made the first time a circuit asks for it (strings: a reference is read whole).</summary>
    private sealed class Texts
    {
        public string? Compact;
        public string? Full;
    }
}
