using System.Globalization;
using System.Text.Json.Nodes;
using Dashboard.Engine.Sessions;
using Dashboard.Web.Tests;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// Issue 24's "done when", in a real Chromium against the real app whose own host is the only node: a user launches a
/// Jupyter session from the New session form, opens it through /sessions/{id}/ with Connect, runs a cell in Jupyter's
/// own page, leaves it (closes the tab) and, on a fake clock, sees the idle policy warn and then stop it on the session
/// page. The idle watch samples when the test asks it to (its timer is set to a month); the health watch is asked
/// directly too, as its timer runs on the fake clock.
/// </summary>
public sealed class SessionDoneWhenBrowserTests : IAsyncLifetime
{
    private readonly FakeTimeProvider clock = new(TimeProvider.System.GetUtcNow());
    private readonly BrowserHost host;

    public SessionDoneWhenBrowserTests()
    {
        host = new BrowserHost(new DashboardFactory
        {
            LocalNode = true,
            Clock = clock,
            Settings = new Dictionary<string, string>
            {
                ["Cluster:DemoNodes:Enabled"] = "false",
                ["Sessions:HealthPollInterval"] = "00:00:00.100",
                ["Sessions:IdleSampleInterval"] = "30.00:00:00",
                ["Sessions:Types:0:Gpus"] = "0",
                ["Sessions:Types:0:CpuCores"] = "0.5",
                ["Sessions:Types:0:MemoryMiB"] = "1024",
            },
        });
    }

    public ValueTask InitializeAsync() => host.InitializeAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_user_launches_jupyter_runs_a_cell_through_the_dashboard_leaves_it_idle_and_sees_it_warned_and_stopped()
    {
        File.Exists("/usr/bin/jupyter-notebook").Should().BeTrue("the CI installs Debian's jupyter-notebook (.ci/run)");
        var page = await host.OpenAsync("sessions/new", "alice");

        await page.ClickAsync("#start-session");
        await page.WaitForURLAsync(url => System.Text.RegularExpressions.Regex.IsMatch(url, @"/sessions/\d+$"));
        var id = long.Parse(await page.Locator("#session-page").GetAttributeAsync("data-session-id") ?? "", CultureInfo.InvariantCulture);
        await ReadyAsync(id);
        await Assertions.Expect(page.Locator("#session-page")).ToHaveAttributeAsync("data-status", "ready");

        // A notebook with one cell in the session's home (its job folder), then opened through the dashboard.
        var notebook = new JsonObject
        {
            ["cells"] = new JsonArray(new JsonObject
            {
                ["cell_type"] = "code", ["execution_count"] = null, ["metadata"] = new JsonObject(), ["outputs"] = new JsonArray(), ["source"] = "print(6 * 7)",
            }),
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = "python3", ["display_name"] = "Python 3", ["language"] = "python" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        await File.WriteAllTextAsync(Path.Combine(host.App.DataFolder, "jobs", id.ToString(CultureInfo.InvariantCulture), "probe.ipynb"), notebook.ToJsonString(), TestContext.Current.CancellationToken);

        var jupyter = await page.RunAndWaitForPopupAsync(() => page.ClickAsync("#connect"));
        await jupyter.WaitForURLAsync(url => url.Contains($"/sessions/{id}/", StringComparison.Ordinal));
        new Uri(jupyter.Url).Authority.Should().Be(host.BaseAddress.Authority, "the session opens through the dashboard, not on its own port");
        await jupyter.GotoAsync(new Uri(host.BaseAddress, $"sessions/{id}/notebooks/probe.ipynb").ToString());
        await jupyter.Locator("#kernel_indicator_icon.kernel_idle_icon").WaitForAsync();
        await jupyter.Locator(".cell .CodeMirror").First.ClickAsync();
        await jupyter.Keyboard.PressAsync("Shift+Enter");
        await Assertions.Expect(jupyter.Locator(".output_subarea").First).ToContainTextAsync("42");

        // Left alone: the tab is closed, so no browser traffic reaches the session any more.
        await jupyter.CloseAsync();
        var idle = host.Service<IdleWatch>();
        clock.Advance(TimeSpan.FromMinutes(61));
        (await idle.SampleAsync(clock.GetUtcNow(), TestContext.Current.CancellationToken))[new(id)].Should().Be(IdleVerdict.Warn);
        await Assertions.Expect(page.Locator(".session-notice").First).ToContainTextAsync($"Your session {id} has been idle for 61 min; it stops in 15 min unless you use it.");

        clock.Advance(TimeSpan.FromMinutes(15));
        (await idle.SampleAsync(clock.GetUtcNow(), TestContext.Current.CancellationToken))[new(id)].Should().Be(IdleVerdict.Stop);
        await Assertions.Expect(page.Locator("#session-page")).ToHaveAttributeAsync("data-status", "ended");
        await Assertions.Expect(page.Locator("#session-state-text")).ToContainTextAsync(IdleWatch.Actor);
        await Assertions.Expect(page.Locator(".session-notice")).ToHaveCountAsync(2);
        await BrowserHost.ScreenshotAsync(page, "session-idle-stopped");
    }

    /// <summary>The health watch's timer runs on the fake clock: ask it directly until Jupyter answers through its port.</summary>
    private async Task ReadyAsync(long id)
    {
        var health = host.Service<SessionHealthWatch>();
        var endpoints = host.Service<SessionEndpoints>();
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(60));
        do
        {
            await health.CheckOnceAsync(patience.Token);
            if (endpoints.Find(new(id))?.IsReady == true)
            {
                return;
            }
        }
        while (await timer.WaitForNextTickAsync(patience.Token));
    }
}
