using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Engine.Sessions;
using Dashboard.Web.Sessions;
using Dashboard.Web.Tests;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// A separate origin per session in a real Chromium, which resolves s{id}.localhost to loopback: Connect on the
/// dashboard lands on the session's own origin, Jupyter runs a cell there (its page and its kernel's WebSocket through
/// that origin), and the browser holds the session's cookie for that host only while the dashboard's cookie stays with
/// the dashboard.
/// </summary>
public sealed class SessionOriginBrowserTests : IAsyncLifetime
{
    private readonly BrowserHost host = new(new DashboardFactory
    {
        LocalNode = true,
        Settings = new Dictionary<string, string>
        {
            ["Cluster:DemoNodes:Enabled"] = "false",
            ["Sessions:HealthPollInterval"] = "00:00:00.100",
            ["Sessions:OriginTemplate"] = "http://s{id}.localhost:{port}",
            ["Sessions:Types:0:Gpus"] = "0",
            ["Sessions:Types:0:CpuCores"] = "0.5",
            ["Sessions:Types:0:MemoryMiB"] = "1024",
        },
    });

    public ValueTask InitializeAsync() => host.InitializeAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Connect_opens_jupyter_on_the_sessions_own_origin_where_a_cell_runs_and_only_the_sessions_cookie_lives()
    {
        var page = await host.OpenAsync("sessions/new", "alice");
        await page.ClickAsync("#start-session");
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, @"/sessions/\d+$"));
        var id = long.Parse(await page.Locator("#session-page").GetAttributeAsync("data-session-id") ?? "", CultureInfo.InvariantCulture);
        await Assertions.Expect(page.Locator("#connect")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(new JsonObject { ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = "print(6 * 7)" }),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        await File.WriteAllTextAsync(Path.Combine(host.App.DataFolder, "jobs", id.ToString(CultureInfo.InvariantCulture), "probe.ipynb"), notebook.ToJsonString(), TestContext.Current.CancellationToken);
        var origin = $"http://s{id}.localhost:{host.BaseAddress.Port}";

        var jupyter = await page.RunAndWaitForPopupAsync(() => page.ClickAsync("#connect"));
        await jupyter.WaitForURLAsync(url => url.StartsWith(origin + $"/sessions/{id}/", StringComparison.Ordinal));
        await jupyter.GotoAsync($"{origin}/sessions/{id}/notebooks/probe.ipynb");
        await jupyter.Locator("#kernel_indicator_icon.kernel_idle_icon").WaitForAsync();
        await jupyter.Locator(".cell .CodeMirror").First.ClickAsync();
        await jupyter.Keyboard.PressAsync("Shift+Enter");
        await Assertions.Expect(jupyter.Locator(".output_subarea").First).ToContainTextAsync("42");

        var atSession = await page.Context.CookiesAsync([origin]);
        var atDashboard = await page.Context.CookiesAsync([host.BaseAddress.ToString()]);
        atDashboard.Should().NotBeEmpty().And.NotContain(c => c.Name == SessionOrigins.CookieName, "the session's cookie stays on its origin");
        atSession.Select(c => c.Name).Should().Contain(SessionOrigins.CookieName)
            .And.NotContain(atDashboard.Select(c => c.Name), "none of the dashboard's cookies is sent to a session's origin (Jupyter sets its own _xsrf there)");
        var sessionCookie = atSession.Single(c => c.Name == SessionOrigins.CookieName);
        sessionCookie.Domain.Should().Be($"s{id}.localhost", "the cookie is host-only");
        sessionCookie.HttpOnly.Should().BeTrue();
        host.Service<SessionEndpoints>().Find(new(id))!.LastTraffic.Should().NotBeNull("the session's origin counts its traffic for the idle policy");
    }
}
