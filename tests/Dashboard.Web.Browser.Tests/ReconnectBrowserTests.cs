using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Dashboard.Web.Tests;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The live connection's banner in a real Chromium while the server really stops and starts again on the same port
/// over the same data folder (its SQLite file and key ring, so the sign-in cookie stays valid).
/// </summary>
public sealed class ReconnectBrowserTests : IAsyncLifetime
{
    private readonly string dataFolder = Directory.CreateTempSubdirectory("dashboard-reconnect-").FullName;
    private readonly int port = FreePort();
    private DashboardFactory? server;
    private IPlaywright? playwright;
    private IBrowser? browser;

    public async ValueTask InitializeAsync()
    {
        server = Start();
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = BrowserHost.ChromiumPath, Headless = true });
    }

    [Fact]
    public async Task A_stopped_server_shows_the_banner_at_once_and_a_restarted_one_brings_the_page_back_with_its_address()
    {
        var page = await OpenAsync("/jobs?view=reconnect-test");
        var banner = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(banner).ToBeHiddenAsync();

        var clock = Stopwatch.StartNew();
        var stopping = server!.DisposeAsync().AsTask();
        // The banner shows as soon as the browser sees the connection close; how soon that is after the stop begins depends
        // on how fast this loaded 2-core machine stops the server, so the wait is generous and the time is printed.
        await Assertions.Expect(banner.Locator(".reconnect-trying")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 20_000 });
        var shownAfter = clock.Elapsed;
        await Assertions.Expect(banner).ToContainTextAsync("Reconnecting");
        var (colour, background) = (await banner.EvaluateAsync<string>("e => getComputedStyle(e.querySelector('.reconnect-trying')).color"),
            await banner.EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        colour.Should().Be("rgb(255, 255, 255)");
        background.Should().Be("rgb(183, 28, 28)", "white on dark red, readable in either theme");
        TestContext.Current.TestOutputHelper?.WriteLine($"The reconnect banner showed {shownAfter.TotalMilliseconds:F0} ms after the server began to stop.");
        await stopping;

        server = Start();

        // Blazor either reloads by itself (the new server does not know the old circuit) or gives up and offers a reload.
        await page.WaitForFunctionAsync(
            "() => { const failed = document.querySelector('#components-reconnect-modal .reconnect-failed');" +
            " return (failed && getComputedStyle(failed).display !== 'none') || document.querySelector(\"#interactive[data-ready='1']\") && getComputedStyle(document.getElementById('components-reconnect-modal')).display === 'none'; }",
            null, new PageWaitForFunctionOptions { Timeout = 60_000 });
        var failedLine = banner.Locator(".reconnect-failed");
        if (await failedLine.IsVisibleAsync())
        {
            await Assertions.Expect(failedLine).ToHaveTextAsync("Connection lost: reload the page");
            await failedLine.Locator("a[data-reload]").ClickAsync();
        }

        await BrowserHost.WaitForInteractiveAsync(page);
        await Assertions.Expect(banner).ToBeHiddenAsync();
        new Uri(page.Url).PathAndQuery.Should().Be("/jobs?view=reconnect-test", "the page comes back at the same address, its state included");
        await Assertions.Expect(page.Locator("main#main-content h1")).ToHaveTextAsync("Jobs");
    }

    private async Task<IPage> OpenAsync(string path)
    {
        await server!.AccountsReady.WaitAsync(BrowserHost.Patience);
        var context = await browser!.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 800 } });
        context.SetDefaultTimeout((float)BrowserHost.Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();
        var root = new Uri($"http://127.0.0.1:{port}/");
        await page.GotoAsync(new Uri(root, "account/login?ReturnUrl=" + Uri.EscapeDataString(path)).ToString());
        await page.FillAsync("#user-name", "alice");
        await page.FillAsync("#password", Dashboard.Web.Identity.DemoAccounts.All.Single(a => a.Name == "alice").Password);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await BrowserHost.WaitForInteractiveAsync(page);
        return page;
    }

    private DashboardFactory Start()
    {
        // A graceful stop waits for open connections up to the host's shutdown timeout (30 s by default) before it
        // closes them; a loaded machine sometimes reached that wait with the page's socket still open, so the banner
        // came after the test's patience. A short timeout keeps what is tested (the banner when the socket closes).
        var app = new DashboardFactory
        {
            Settings = new Dictionary<string, string> { ["Database:DataFolder"] = dataFolder },
            TestServices = services => services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(3)),
        };
        app.UseKestrel(options => options.Listen(IPAddress.Loopback, port));
        app.StartServer();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();

        if (server is not null)
        {
            await server.DisposeAsync();
        }

        Directory.Delete(dataFolder, recursive: true);
    }
}
