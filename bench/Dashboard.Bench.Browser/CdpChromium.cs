using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

/// <summary>
/// Debian's Chromium launched by the bench itself (headless, the switches Playwright's own launch passes), with a
/// DevTools port, so that Playwright can connect to it over CDP, drive its pages, and go away entirely while the pages
/// stay open (`--circuits`): Playwright's driver otherwise sends this process one event for every WebSocket frame of
/// every page (its PageDispatcher wraps every WebSocket in a WebSocketDispatcher that dispatches "frameSent" and
/// "frameReceived", binary payloads base64, whether or not anyone listens), and this process, which hosts the server,
/// parses each one: CPU that a server would not spend.
/// </summary>
public sealed class CdpChromium : IAsyncDisposable
{
    // Playwright 1.64's chromiumSwitches() and headless arguments (coreBundle.js), less --remote-debugging-pipe.
    private static readonly string[] Switches =
    [
        "--disable-field-trial-config", "--disable-background-networking", "--disable-background-timer-throttling",
        "--disable-backgrounding-occluded-windows", "--disable-back-forward-cache", "--disable-breakpad",
        "--disable-client-side-phishing-detection", "--disable-component-extensions-with-background-pages",
        "--disable-component-update", "--no-default-browser-check", "--disable-default-apps", "--disable-dev-shm-usage",
        "--disable-extensions",
        "--disable-features=AvoidUnnecessaryBeforeUnloadCheckSync,DestroyProfileOnBrowserClose,DialMediaRouteProvider,GlobalMediaControls,HttpsUpgrades,LensOverlay,MediaRouter,PaintHolding,ThirdPartyStoragePartitioning,Translate,AutoDeElevate,OptimizationHints,NetworkTimeServiceQuerying",
        "--allow-pre-commit-input", "--disable-hang-monitor", "--disable-ipc-flooding-protection", "--disable-popup-blocking",
        "--disable-prompt-on-repost", "--disable-renderer-backgrounding", "--force-color-profile=srgb",
        "--metrics-recording-only", "--no-first-run", "--password-store=basic", "--use-mock-keychain", "--no-service-autorun",
        "--disable-search-engine-choice-screen", "--disable-infobars", "--disable-sync", "--enable-unsafe-swiftshader",
        "--headless", "--hide-scrollbars", "--mute-audio",
        "--blink-settings=primaryHoverType=2,availableHoverTypes=2,primaryPointerType=4,availablePointerTypes=4",
        "--no-sandbox",
        // Playwright's contexts draw in a 1280 x 720 viewport: the same here (the heat map draws the rows in view). Headless
        // Chromium's window size includes ~87 px of (absent) browser UI: 1280 x 720 drew 35 heat-map rows, not 39.
        "--window-size=1280,807",
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
    ];

    private readonly Process _process;
    private readonly DirectoryInfo _profile;

    private CdpChromium(Process process, DirectoryInfo profile, Uri endpoint)
    {
        (_process, _profile, Endpoint) = (process, profile, endpoint);
    }

    /// <summary>The browser's DevTools WebSocket (ws://127.0.0.1:port/devtools/browser/...).</summary>
    public Uri Endpoint { get; }

    public static async Task<CdpChromium> StartAsync(string chromium)
    {
        var profile = Directory.CreateTempSubdirectory("bench-chromium-");
        var start = new ProcessStartInfo(chromium) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in Switches)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--user-data-dir=" + profile.FullName);
        start.ArgumentList.Add("about:blank");
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + chromium);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, e) =>
        {
            const string Prefix = "DevTools listening on ";
            if (e.Data is { } line && line.StartsWith(Prefix, StringComparison.Ordinal))
            {
                listening.TrySetResult(new Uri(line[Prefix.Length..].Trim()));
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return new CdpChromium(process, profile, endpoint);
    }

    /// <summary>Starts a Playwright driver and connects it to this Chromium; the first context is the browser's own (default) one.</summary>
    public async Task<(IPlaywright Playwright, IBrowser Browser, IBrowserContext Context)> ConnectAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.ConnectOverCDPAsync(Endpoint.ToString());
        var context = browser.Contexts[0];
        context.SetDefaultTimeout(120_000);
        return (playwright, browser, context);
    }

    /// <summary>
    /// Disconnects Playwright entirely: the browser connection closed (a browser connected over CDP keeps the contexts
    /// it did not create: the default one, with the pages) and the driver process ended.
    /// </summary>
    public static async Task DisconnectAsync(IPlaywright playwright, IBrowser browser)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        ArgumentNullException.ThrowIfNull(browser);
        await browser.CloseAsync();
        playwright.Dispose();
    }

    /// <summary>The URLs of the browser's open pages, from its DevTools HTTP endpoint (no DevTools session attached).</summary>
    public async Task<IReadOnlyList<string>> PageUrlsAsync()
    {
        using var http = new HttpClient();
        var targets = await http.GetFromJsonAsync<JsonElement>(new Uri($"http://{Endpoint.Authority}/json/list"));
        return [.. targets.EnumerateArray().Where(t => t.GetProperty("type").GetString() == "page").Select(t => t.GetProperty("url").GetString() ?? "")];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            _profile.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A child process still closing its files: the temp folder stays.
        }
    }
}
