using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Web.Components.Layout;

/// <summary>
/// The drawer's links as one piece of HTML in MudBlazor's navigation markup and classes (so it looks and behaves as
/// MudNavMenu with MudNavLinks did: same classes, icons, active link with aria-current), made once per current page
/// and role and shared by every circuit. Thirteen MudNavLinks were 39 components per circuit (the link, Blazor's NavLink
/// inside it, its icon), each holding render buffers: about 70 KB of every idle circuit. Plain links need no component:
/// Blazor's router takes their clicks as it takes any link's.
/// </summary>
public static class NavigationLinks
{
    /// <summary>One link: its element id, address (relative to the base), label and icon (MudBlazor's SVG content).</summary>
    public sealed record Link(string Id, string Href, string Text, string Icon);

    /// <summary>A titled group of links (a role="group" labelled by its title).</summary>
    public sealed record Group(string Id, string Title, ImmutableArray<Link> Links);

    /// <summary>Every role's groups: their work and their teams.</summary>
    public static ImmutableArray<Group> Everyone { get; } =
    [
        new("nav-group-work", "Work",
        [
            new("nav-cluster", "", "Cluster", Icons.Material.Filled.Dns),
            new("nav-jobs", "jobs", "Jobs", Icons.Material.Filled.ViewList),
            new("nav-submit", "jobs/new", "Submit", Icons.Material.Filled.AddCircleOutline),
            new("nav-timeline", "timeline", "Timeline", Icons.Material.Filled.Timeline),
            new("nav-sessions", "sessions/new", "New session", Icons.Material.Filled.Terminal),
        ]),
        new("nav-group-teams", "Teams",
        [
            new("nav-quotas", "quotas", "Quotas", Icons.Material.Filled.PieChart),
            new("nav-usage", "usage", "Usage", Icons.Material.Filled.QueryStats),
            new("nav-reservations", "reservations", "Reservations", Icons.Material.Filled.EventAvailable),
        ]),
    ];

    /// <summary>The admins' group, shown to admins only.</summary>
    public static Group Admin { get; } = new("nav-group-admin", "Admin",
    [
        new("nav-admin-quotas", "admin/quotas", "Edit quotas", Icons.Material.Filled.Tune),
        new("nav-replay", "admin/quotas/replay", "Replay quotas", Icons.Material.Filled.History),
        new("nav-nodes", "admin/nodes", "Nodes", Icons.Material.Filled.Storage),
        new("nav-users", "admin/users", "Users", Icons.Material.Filled.People),
        new("nav-audit", "admin/audit", "Audit", Icons.Material.Filled.FactCheck),
    ]);

    private static readonly ImmutableHashSet<string> Hrefs =
        [.. Everyone.Append(Admin).SelectMany(g => g.Links).Select(l => l.Href)];

    private static readonly ConcurrentDictionary<(string Active, bool Admin), MarkupString> Made = new();

    /// <summary>
    /// The links for a page at <paramref name="relativePath"/> (relative to the base, as NavigationManager.ToBaseRelativePath
    /// gives it; query and fragment ignored): the link to exactly that page is active, as NavLinkMatch.All decides.
    /// </summary>
    public static MarkupString For(string relativePath, bool admin)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        var path = relativePath.Split('?', '#')[0].TrimEnd('/');
        var active = Hrefs.Contains(path) ? path : "\0none";
        return Made.GetOrAdd((active, admin), static key => Build(key.Active, key.Admin));
    }

    private static MarkupString Build(string active, bool admin)
    {
        var html = new StringBuilder(8_192);
        html.Append("<nav aria-label=\"Pages\" class=\"mud-navmenu mud-navmenu-default mud-navmenu-margin-none app-nav-menu\">");
        foreach (var group in admin ? Everyone.Append(Admin) : Everyone)
        {
            html.Append("<div role=\"group\" aria-labelledby=\"").Append(group.Id).Append("\"><div class=\"nav-group-title\" id=\"")
                .Append(group.Id).Append("\">").Append(group.Title).Append("</div>");
            foreach (var link in group.Links)
            {
                var current = link.Href == active;
                html.Append("<div class=\"mud-nav-item\"><a href=\"").Append(link.Href).Append("\" id=\"").Append(link.Id)
                    .Append(current ? "\" class=\"mud-nav-link mud-ripple active\" aria-current=\"page\">" : "\" class=\"mud-nav-link mud-ripple\">")
                    .Append("<svg class=\"mud-icon-root mud-icon-default mud-svg-icon mud-icon-size-medium mud-nav-link-icon mud-nav-link-icon-default\" focusable=\"false\" viewBox=\"0 0 24 24\" aria-hidden=\"true\" role=\"img\">")
                    .Append(link.Icon).Append("</svg><div class=\"mud-nav-link-text\">").Append(link.Text).Append("</div></a></div>");
            }

            html.Append("</div>");
        }

        return new MarkupString(html.Append("</nav>").ToString());
    }
}
