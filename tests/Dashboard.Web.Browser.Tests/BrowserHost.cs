using System.Net;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The real app on a real Kestrel socket (loopback, a port the OS picks) and Debian's Chromium driven by Playwright,
/// launched from its installed path: nothing is downloaded. One per test class; each test opens its own contexts.
/// </summary>
public sealed class BrowserHost : IAsyncLifetime
{
    /// <summary>Where the browser is; CI installs it with <c>apt-get install -y chromium</c>.</summary>
    public static readonly string ChromiumPath = Environment.GetEnvironmentVariable("DASHBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>How long a browser step may take before the test fails (a slow CI machine, not a sleep).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    static BrowserHost()
    {
        // Every expectation in every class waits up to a minute (it ends as soon as it holds): real processes and a
        // loaded CI machine, and the same limit whatever order the classes run in (Playwright's default is 5 s).
        Assertions.SetDefaultExpectTimeout(60_000);
    }

    private IPlaywright? playwright;
    private IBrowser? browser;

    public BrowserHost()
        : this(new DashboardFactory())
    {
    }

    /// <summary>A host over an app configured otherwise (e.g. with demo usage history); for fixtures that wrap this one.</summary>
    internal BrowserHost(DashboardFactory app)
    {
        App = app;
    }

    public DashboardFactory App { get; }

    public Uri BaseAddress { get; private set; } = new("http://127.0.0.1/");

    public IBrowser Browser => browser ?? throw new InvalidOperationException("The browser has not started.");

    public T Service<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"Chromium is not at {ChromiumPath}. Install it with `apt-get install -y chromium` (.ci/run does), or set DASHBOARD_CHROMIUM to its path.");
        }

        App.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        App.StartServer();
        var address = App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>
    /// A fresh browser context (its own cookies and circuit) signed in as <paramref name="user"/> (a demo account)
    /// through the sign-in page, with one page open at <paramref name="path"/>, interactive.
    /// </summary>
    public async Task<IPage> OpenAsync(string path, string user = "alice", int width = 1400, int height = 900)
    {
        await App.AccountsReady.WaitAsync(Patience);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(BaseAddress, "account/login?ReturnUrl=" + Uri.EscapeDataString("/" + path.TrimStart('/'))).ToString());
        await page.FillAsync("#user-name", user);
        await page.FillAsync("#password", DemoAccounts.All.Single(a => a.Name == user).Password);
        await page.ClickAsync("#sign-in");
        // The URL alone, not the load event: the next wait (the circuit interactive) is the stronger signal, and once in
        // CI (stop 34, under load) the load event of the page after signing in was not seen within 45 s although the
        // network was idle.
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit });
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Navigates and waits until the circuit is interactive, so a click never lands on prerendered markup.</summary>
    public async Task GoToAsync(IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(new Uri(BaseAddress, path.TrimStart('/')).ToString());
        await WaitForInteractiveAsync(page);
    }

    public static Task WaitForInteractiveAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
    }

    /// <summary>Saves a full-page screenshot as a test artefact under TestResults/screenshots at the repository's top level.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var folder = Path.Combine(RepositoryTop(), "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        return file;
    }

    private static string RepositoryTop()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Dashboard.sln")))
            {
                return folder.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }

    public async ValueTask DisposeAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        await App.DisposeAsync();
    }
}
