using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Tests;

public sealed class MainLayoutTests : ComponentTest
{
    private static readonly RenderFragment PageBody = builder => builder.AddMarkupContent(0, "<p id=\"body\">page</p>");

    [Fact]
    public void The_app_bar_shows_the_clusters_live_totals()
    {
        Feed.Publish(new TestCluster()
            .Node("gpu-01", gpus: 8, cores: 64, memoryGiB: 512)
            .Node("gpu-02", gpus: 4, cores: 32, memoryGiB: 256)
            .Run("gpu-01", [0, 1], "vision", cores: 8, memoryGiB: 64)
            .Run("gpu-02", [0], "nlp", cores: 2, memoryGiB: 32)
            .Pending("nlp").Pending("vision").Pending("vision")
            .Update());

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        Total(layout, "gpus").Should().Be("3/12");
        Total(layout, "cpu").Should().Be("10/96 cores");
        Total(layout, "memory").Should().Be("96/768 GiB");
        Total(layout, "pending").Should().Be("3");
        Total(layout, "running").Should().Be("2");
        layout.Find("#body").TextContent.Should().Be("page");
    }

    [Fact]
    public void The_totals_follow_the_feed()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        Total(layout, "gpus").Should().Be("–");

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Update(version: 1));
        layout.WaitForAssertion(() => Total(layout, "gpus").Should().Be("0/8"), Patience);

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Run("gpu-01", [0, 1, 2, 3], "vision").Update(version: 2));
        layout.WaitForAssertion(() =>
        {
            Total(layout, "gpus").Should().Be("4/8");
            Total(layout, "running").Should().Be("1");
        }, Patience);
    }

    [Fact]
    public void A_live_update_renders_the_totals_but_not_the_theme_navigation_or_tooltips_again()
    {
        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Update(version: 1));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        layout.WaitForAssertion(() => Total(layout, "gpus").Should().Be("0/8"), Patience);
        var theme = layout.FindComponent<SharedThemeProvider>();
        var links = layout.FindComponent<NavigationMenu>();
        var totals = layout.FindComponent<ClusterTotalsBar>();
        var (themeRenders, linkRenders, totalsRenders) = (theme.RenderCount, links.RenderCount, totals.RenderCount);

        Feed.Publish(new TestCluster().Node("gpu-01", gpus: 8).Run("gpu-01", [0, 1], "vision").Update(version: 2));
        layout.WaitForAssertion(() => Total(layout, "gpus").Should().Be("2/8"), Patience);

        theme.RenderCount.Should().Be(themeRenders, "the theme's style sheet does not change with the cluster");
        links.RenderCount.Should().Be(linkRenders, "the navigation does not change with the cluster");
        totals.RenderCount.Should().Be(totalsRenders + 1, "only the totals render again");
        layout.Find("#theme-toggle-tip").TextContent.Should().Be("Dark mode", "the mode button's tooltip says what a click switches to");
        layout.Find("#body").TextContent.Should().Be("page");
    }

    [Fact]
    public void Navigation_links_only_to_pages_that_exist_and_the_interactivity_marker_says_ready()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        var links = layout.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href")).ToList();
        var routes = typeof(MainLayout).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), false).Cast<Microsoft.AspNetCore.Components.RouteAttribute>())
            .Select(r => r.Template.TrimStart('/'))
            .ToHashSet();

        links.Should().Equal("", "jobs", "jobs/new", "timeline", "sessions/new", "quotas", "usage", "reservations");
        links.Should().OnlyContain(href => routes.Contains(href!), "every link leads to a page");
        layout.Find("#interactive").GetAttribute("data-ready").Should().Be("1");
    }

    [Fact]
    public void Admins_also_get_the_admin_pages_in_the_navigation()
    {
        SignInAs(new Dashboard.Web.Identity.SignedInUser("root", Dashboard.Data.Users.UserRole.Admin, []));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        var links = layout.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href")).ToList();
        var routes = typeof(MainLayout).Assembly.GetTypes()
            .SelectMany(t => t.GetCustomAttributes(typeof(Microsoft.AspNetCore.Components.RouteAttribute), false).Cast<Microsoft.AspNetCore.Components.RouteAttribute>())
            .Select(r => r.Template.TrimStart('/'))
            .ToHashSet();

        links.Should().Equal("", "jobs", "jobs/new", "timeline", "sessions/new", "quotas", "usage", "reservations", "admin/quotas", "admin/quotas/replay", "admin/nodes", "admin/users", "admin/audit");
        links.Should().OnlyContain(href => routes.Contains(href!), "every link leads to a page");
        layout.Find("#interactive").GetAttribute("data-ready").Should().Be("1");
    }

    [Theory]
    [InlineData(Dashboard.Data.Users.UserRole.Member)]
    [InlineData(Dashboard.Data.Users.UserRole.TeamLead)]
    public void Only_admins_see_the_admin_links(Dashboard.Data.Users.UserRole role)
    {
        SignInAs(new Dashboard.Web.Identity.SignedInUser("someone", role, ["vision"]));

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        layout.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href")).Should().Equal("", "jobs", "jobs/new", "timeline", "sessions/new", "quotas", "usage", "reservations");
        layout.FindAll(".nav-group-title").Select(t => t.TextContent).Should().Equal("Work", "Teams");
    }

    [Fact]
    public void The_link_to_the_page_shown_is_the_active_one_and_follows_navigation()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        var active = () => layout.FindAll("a.mud-nav-link.active").Select(a => a.Id).ToList();
        active().Should().Equal("nav-cluster");
        layout.Find("#nav-cluster").GetAttribute("aria-current").Should().Be("page");

        var navigation = Services.GetRequiredService<NavigationManager>();
        layout.InvokeAsync(() => navigation.NavigateTo("jobs/new?team=vision"));

        layout.WaitForAssertion(() => active().Should().Equal("nav-submit"), Patience);
        layout.Find("#nav-cluster").HasAttribute("aria-current").Should().BeFalse();
        layout.Find("#nav-submit svg.mud-nav-link-icon").Should().NotBeNull("each link keeps its icon");

        layout.InvokeAsync(() => navigation.NavigateTo("jobs/42"));

        layout.WaitForAssertion(() => active().Should().BeEmpty("no link leads to a job's own page"), Patience);
    }

    [Fact]
    public void Closed_menus_hold_no_popover_and_an_opened_one_has_its_popover()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        layout.FindComponents<MudBlazor.MudPopover>().Should().BeEmpty("a closed popover is components every idle circuit would hold");
        layout.FindComponents<MudBlazor.MudTooltip>().Should().BeEmpty("the mode button's tooltip is CSS");

        layout.Find("#user-menu-button").Click();

        // The menu opens and closes asynchronously (and the popover provider is drawn on the renderer's next turn).
        layout.WaitForAssertion(() => layout.FindComponents<MudBlazor.MudPopover>().Should().ContainSingle(), Patience);
        layout.WaitForAssertion(() => layout.Find("#sign-out").GetAttribute("form").Should().Be("sign-out-form"), Patience);

        layout.Find("#user-menu-button").Click();

        layout.WaitForAssertion(() => layout.FindComponents<MudBlazor.MudPopover>().Should().BeEmpty(), Patience);
    }

    [Fact]
    public void The_mode_button_switches_between_light_and_dark()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        var toggle = () => layout.Find("button[aria-label='Toggle light or dark mode']");
        var theme = () => layout.FindComponent<SharedThemeProvider>().Markup;
        layout.WaitForAssertion(() => theme().Should().Contain("--mud-palette-background:"), Patience);
        var icon = toggle().InnerHtml;
        var light = theme();

        toggle().Click();

        toggle().InnerHtml.Should().NotBe(icon, "the icon shows the mode a click switches to");
        layout.Find("#theme-toggle-tip").TextContent.Should().Be("Light mode");
        layout.WaitForAssertion(() => theme().Should().NotBe(light, "the theme's palette switches to dark"), Patience);

        toggle().Click();

        layout.WaitForAssertion(() => theme().Should().Be(light), Patience);
    }

    [Fact]
    public void The_reconnect_banner_carries_blazors_id_and_says_what_is_happening()
    {
        var banner = Render<ReconnectBanner>();

        var element = banner.Find("#components-reconnect-modal");
        element.QuerySelector(".reconnect-trying")!.TextContent.Should().Be("Reconnecting… what this page shows may be out of date.");
        element.QuerySelector(".reconnect-failed")!.TextContent.Should().Be("Connection lost: reload the page");
        element.QuerySelector("a[data-reload]").Should().NotBeNull("wwwroot/reconnect.js reloads on a click of this link");
        element.QuerySelectorAll("*").Should().NotContain(e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.Ordinal)),
            "the Content-Security-Policy refuses inline event handlers");
    }

    [Fact]
    public void The_links_stand_in_groups_and_admins_get_an_admin_group()
    {
        SignInAs(new Dashboard.Web.Identity.SignedInUser("root", Dashboard.Data.Users.UserRole.Admin, []));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        var groups = layout.FindAll("#nav-drawer [role='group']");
        groups.Select(g => g.QuerySelector(".nav-group-title")!.TextContent).Should().Equal("Work", "Teams", "Admin");
        groups.Select(g => string.Join(",", g.QuerySelectorAll("a.mud-nav-link").Select(a => a.TextContent.Trim()))).Should().Equal(
            "Cluster,Jobs,Submit,Timeline,New session", "Quotas,Usage,Reservations", "Edit quotas,Replay quotas,Nodes,Users,Audit");
        layout.Find("main#main-content #body").TextContent.Should().Be("page", "the page sits in the main landmark");
    }

    [Fact]
    public void The_user_menu_button_says_who_is_signed_in_and_the_sign_out_form_carries_the_antiforgery_token()
    {
        SignInAs(new Dashboard.Web.Identity.SignedInUser("lead", Dashboard.Data.Users.UserRole.TeamLead, ["nlp", "vision"]));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        layout.Find("#signed-in-user").TextContent.Should().Be("lead · team lead");
        layout.Find("#user-menu-button").GetAttribute("aria-label").Should().Be("Account: lead, team lead");
        var form = layout.Find("form#sign-out-form");
        form.GetAttribute("action").Should().Be("account/logout");
        form.GetAttribute("method").Should().Be("post");
        layout.FindAll("#sign-out").Should().BeEmpty("the menu (tokens, theme, sign out; opened in the browser tests) is closed");
        layout.Find("#user-menu-button").GetAttribute("aria-expanded").Should().Be("false");

        layout.Find("#user-menu-button").Click();

        layout.Find("#user-menu-button").GetAttribute("aria-expanded").Should().Be("true");
    }

    [Fact]
    public void The_theme_starts_from_the_stored_choice_and_a_switch_is_stored()
    {
        var layout = Render<CascadingValue<bool>>(p => p
            .Add(c => c.Name, ThemeChoice.CascadeName)
            .Add(c => c.Value, true)
            .Add(c => c.ChildContent, (RenderFragment)(builder =>
            {
                builder.OpenComponent<MainLayout>(0);
                builder.AddComponentParameter(1, nameof(MainLayout.Body), PageBody);
                builder.CloseComponent();
            })));
        layout.Find("#theme-toggle").GetAttribute("aria-label").Should().Be("Toggle light or dark mode");
        layout.FindComponent<SharedThemeProvider>().Instance.IsDarkMode.Should().BeTrue("the stored choice was dark");

        layout.Find("#theme-toggle").Click();

        layout.FindComponent<SharedThemeProvider>().Instance.IsDarkMode.Should().BeFalse();
        JSInterop.VerifyInvoke("dashboardShell.rememberTheme").Arguments.Should().Equal(ThemeChoice.Light);
    }

    [Fact]
    public void Without_a_stored_choice_the_theme_is_light()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        layout.FindComponent<SharedThemeProvider>().Instance.IsDarkMode.Should().BeFalse();
    }

    private static string Total(IRenderedComponent<MainLayout> layout, string name) =>
        layout.Find($"[data-total='{name}']").TextContent;
}
