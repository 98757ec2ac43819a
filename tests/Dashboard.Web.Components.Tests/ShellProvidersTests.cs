using Dashboard.Web.Components.Layout;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Dashboard.Web.Components.Tests;

/// <summary>
/// The shell's lighter stand-ins for MudBlazor's providers: the shared theme style sheet draws exactly what
/// MudThemeProvider draws, and the popover and snackbar providers appear once the circuit first needs them, with what
/// was opened or shown before they appeared. The drawer and phone menu are plain markup (the browser tests open them).
/// </summary>
public sealed class ShellProvidersTests : ComponentTest
{
    private static readonly RenderFragment PageBody = builder => builder.AddMarkupContent(0, "<p id=\"body\">page</p>");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_shared_theme_draws_what_MudThemeProvider_draws(bool dark)
    {
        var mud = Render<MudThemeProvider>(p => p
            .Add(t => t.Theme, DashboardTheme.Theme)
            .Add(t => t.IsDarkMode, dark)
            .Add(t => t.ObserveSystemDarkModeChange, false));
        var shared = Render<SharedThemeProvider>(p => p.Add(t => t.Theme, DashboardTheme.Theme).Add(t => t.IsDarkMode, dark));

        shared.WaitForAssertion(() => shared.Markup.Should().Contain("--mud-palette-background:"), Patience);
        shared.Markup.Should().Be(mud.Markup);
    }

    [Fact]
    public async Task Every_circuit_draws_one_shared_style_sheet_per_theme_and_mode()
    {
        var light = await SharedThemeProvider.StyleSheetFor(DashboardTheme.Theme, dark: false, Services);
        var again = await SharedThemeProvider.StyleSheetFor(DashboardTheme.Theme, dark: false, Services);
        var dark = await SharedThemeProvider.StyleSheetFor(DashboardTheme.Theme, dark: true, Services);

        again.Should().BeSameAs(light, "one text per theme and mode, not a copy per circuit");
        dark.Should().NotBe(light);
    }

    [Fact]
    public void The_layout_holds_no_MudBlazor_layout_drawer_or_providers_until_needed()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        layout.FindComponents<MudLayout>().Should().BeEmpty();
        layout.FindComponents<MudDrawer>().Should().BeEmpty();
        layout.FindComponents<MudMainContent>().Should().BeEmpty();
        layout.FindComponents<MudThemeProvider>().Should().BeEmpty();
        layout.FindComponents<MudPopoverProvider>().Should().BeEmpty("no popover was opened");
        layout.FindComponents<MudSnackbarProvider>().Should().BeEmpty("no snackbar was shown");
        layout.Find("main#main-content #body").TextContent.Should().Be("page");
        JSInterop.Invocations.Select(i => i.Identifier).Should().NotContain(
            ["mudResizeListenerFactory.listenForResize", "mudThemeProvider.watchDarkMode", "mudpopoverHelper.countProviders", "window.hasOwnProperty"],
            "an idle circuit makes none of these interop calls");
    }

    [Fact]
    public void The_popover_provider_appears_with_the_first_popover_and_draws_it()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));

        layout.Find("#user-menu-button").Click();

        layout.WaitForAssertion(() =>
        {
            layout.FindComponents<MudPopoverProvider>().Should().ContainSingle();
            layout.Find("#user-menu-panel #sign-out").GetAttribute("form").Should().Be("sign-out-form");
        }, Patience);
    }

    [Fact]
    public void The_snackbar_provider_appears_with_the_first_snackbar_and_shows_it()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        var snackbar = Services.GetRequiredService<ISnackbar>();

        layout.InvokeAsync(() => snackbar.Add("Pool resized", Severity.Success));

        layout.WaitForAssertion(() =>
        {
            layout.FindComponents<MudSnackbarProvider>().Should().ContainSingle();
            layout.Markup.Should().Contain("Pool resized");
        }, Patience);
    }

    [Fact]
    public void The_phone_menu_opens_and_a_chosen_page_or_a_click_beside_it_closes_it()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, PageBody));
        var button = () => layout.Find("#menu-button");
        var drawer = () => layout.Find("aside#nav-drawer");
        button().GetAttribute("aria-expanded").Should().Be("false");
        drawer().ClassList.Should().NotContain("shell-drawer-open");

        button().Click();

        button().GetAttribute("aria-expanded").Should().Be("true");
        drawer().ClassList.Should().Contain("shell-drawer-open");
        layout.Find("#nav-drawer-overlay").Click();
        button().GetAttribute("aria-expanded").Should().Be("false");
        layout.FindAll("#nav-drawer-overlay").Should().BeEmpty();

        button().Click();
        var navigation = Services.GetRequiredService<NavigationManager>();
        layout.InvokeAsync(() => navigation.NavigateTo("jobs"));

        layout.WaitForAssertion(() => button().GetAttribute("aria-expanded").Should().Be("false"), Patience);
        drawer().ClassList.Should().NotContain("shell-drawer-open");
    }
}
