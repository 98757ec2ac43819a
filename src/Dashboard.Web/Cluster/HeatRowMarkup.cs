using System.Collections.Concurrent;
using System.Text;
using System.Text.Encodings.Web;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Web.Cluster;

/// <summary>
/// A heat map row as one piece of HTML: the node's name, a cell per GPU and its usage. A circuit's render tree holds
/// one frame per drawn row that points at this shared text, where elements and attributes held ~50 frames per row per
/// circuit (two render buffers of 2,048 frames, ~160 KB a circuit at 1,000 nodes). Every value is HTML-encoded (node,
/// team, job and owner names come from people). The text depends on the viewer only through which allocations they
/// may read (<see cref="TileAllocation.SeenBy"/>), so a row keeps one text per such pattern, made once and shared by
/// every circuit with that pattern.
/// </summary>
public sealed class HeatRowMarkup(NodeView node)
{
    // Strings, not MarkupString?: a nullable struct is written in two parts, and circuits on other threads read these
    // while one writes them (a reference is read whole).
    private string? allSeen;
    private string? noneSeen;
    private ConcurrentDictionary<int, MarkupString>? mixed;

    /// <summary>The row as <paramref name="viewer"/> may read it.</summary>
    public MarkupString For(ICurrentUser? viewer)
    {
        var (seen, allocated) = (0, 0);
        for (var i = 0; i < node.Gpus.Length; i++)
        {
            if (node.Gpus[i].Allocation is { } held)
            {
                allocated |= 1 << i;
                if (held.SeenBy(viewer))
                {
                    seen |= 1 << i;
                }
            }
        }

        if (seen == allocated)
        {
            return new(allSeen ??= Build(viewer).Value);
        }

        if (seen == 0)
        {
            return new(noneSeen ??= Build(viewer).Value);
        }

        var byPattern = mixed ?? Interlocked.CompareExchange(ref mixed, new ConcurrentDictionary<int, MarkupString>(), null) ?? mixed;
        return byPattern.Count < 64 ? byPattern.GetOrAdd(seen, _ => Build(viewer)) : Build(viewer);
    }

    private MarkupString Build(ICurrentUser? viewer)
    {
        var html = HtmlEncoder.Default;
        var row = new StringBuilder(512);
        row.Append("<div class=\"heat-row\" data-node=\"").Append(html.Encode(node.Name)).Append("\">");
        row.Append("<span class=\"heat-name ").Append(StateClass(node.State)).Append("\" title=\"").Append(html.Encode(node.HeatTitle)).Append("\">")
            .Append(html.Encode(node.Name)).Append("</span>");
        foreach (var gpu in node.Gpus)
        {
            if (gpu.Allocation is { } held)
            {
                row.Append("<span class=\"heat-cell allocated\" data-team=\"").Append(html.Encode(held.Team))
                    .Append("\" style=\"").Append(html.Encode(TileStyle.Of(held.Colour, held.Borrowed)))
                    .Append("\" title=\"").Append(html.Encode(gpu.Describe(viewer))).Append("\"></span>");
            }
            else
            {
                row.Append("<span class=\"heat-cell free\" title=\"").Append(html.Encode(gpu.Describe(viewer))).Append("\"></span>");
            }
        }

        row.Append("<span class=\"heat-usage\">").Append(html.Encode(node.HeatUsage)).Append("</span></div>");
        return new MarkupString(row.ToString());
    }

    private static string StateClass(NodeState state) => state switch
    {
        NodeState.Ready => "ready",
        NodeState.Draining => "draining",
        NodeState.Provisioning => "provisioning",
        NodeState.Releasing => "draining",
        _ => "down",
    };
}
