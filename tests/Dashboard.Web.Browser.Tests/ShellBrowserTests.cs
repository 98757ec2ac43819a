using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The shell in a real Chromium at a laptop's width (1280x800) and a phone's (390x844): every page a role may open is
/// reachable from the navigation and opens, Sign out is reachable, nothing runs off the screen sideways, each page has
/// its own title, no request fails (the favicon included), and the theme choice survives a reload.
/// </summary>
public sealed class ShellBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private const string Overflow = "() => document.scrollingElement.scrollWidth - window.innerWidth";

    /// <summary>The innermost elements whose right edge lies past the window's, for the failure message.</summary>
    private const string RunningOff =
        "() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)" +
        ".filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))" +
        ".slice(0, 5).map(e => e.tagName + '.' + [...e.classList].join('.') + '#' + e.id).join(', ')";

    /// <summary>The navigation's links per role: (link id, the path it opens).</summary>
    private static readonly (string Link, string Path)[] EveryoneLinks =
        [("nav-cluster", "/"), ("nav-jobs", "/jobs"), ("nav-submit", "/jobs/new"), ("nav-timeline", "/timeline"), ("nav-sessions", "/sessions/new"), ("nav-quotas", "/quotas"), ("nav-usage", "/usage"), ("nav-reservations", "/reservations")];

    private static readonly (string Link, string Path)[] AdminLinks =
        [("nav-admin-quotas", "/admin/quotas"), ("nav-replay", "/admin/quotas/replay"), ("nav-nodes", "/admin/nodes"), ("nav-users", "/admin/users"), ("nav-audit", "/admin/audit")];

    [Theory]
    [InlineData("alice", 1280, 800)]
    [InlineData("lead", 1280, 800)]
    [InlineData("admin", 1280, 800)]
    [InlineData("alice", 390, 844)]
    [InlineData("lead", 390, 844)]
    [InlineData("admin", 390, 844)]
    public async Task Every_page_of_the_role_is_reachable_from_the_navigation_and_fits_the_screen(string user, int width, int height)
    {
        var page = await host.OpenAsync("/", user, width, height);
        var failures = RecordFailedRequests(page);
        var narrow = width < 960;
        var links = user == "admin" ? [.. EveryoneLinks, .. AdminLinks] : EveryoneLinks;
        await Assertions.Expect(page.Locator("#nav-admin-quotas")).ToHaveCountAsync(user == "admin" ? 1 : 0);
        await Assertions.Expect(page.Locator("#menu-button")).ToBeVisibleAsync(new() { Visible = narrow });
        var titles = new List<string> { await page.TitleAsync() };

        foreach (var (link, path) in links.Skip(1).Append(links[0]))
        {
            await OpenNavigationAsync(page, narrow);
            await page.ClickAsync("#" + link);
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == path);
            await page.WaitForFunctionAsync("previous => document.title !== previous", titles[^1]);
            titles.Add(await page.TitleAsync());
            await Assertions.Expect(page.Locator("main#main-content h1")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("#not-allowed")).ToHaveCountAsync(0);
            if (narrow)
            {
                await Assertions.Expect(page.Locator("#menu-button")).ToHaveAttributeAsync("aria-expanded", "false");
            }

            (await page.EvaluateAsync<int>(Overflow)).Should().BeLessThanOrEqualTo(0,
                $"{path} fits {width} px without a sideways scroll (running off: {await page.EvaluateAsync<string>(RunningOff)})");
        }

        titles[^1].Should().Be(titles[0], "the last link led back to the first page");
        titles.SkipLast(1).Should().OnlyHaveUniqueItems("each page has its own title").And.OnlyContain(t => t.EndsWith("· Compute Dashboard", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#cluster-totals")).ToBeVisibleAsync();
        if (narrow)
        {
            await page.ClickAsync("#cluster-totals-chip");
            await Assertions.Expect(page.Locator("#cluster-totals-details [data-total-narrow='gpus']")).ToHaveTextAsync("0/8");
            await page.ClickAsync("#cluster-totals-chip");
        }
        else
        {
            await Assertions.Expect(page.Locator("[data-total='memory']")).ToBeVisibleAsync();
            var box = await page.Locator("#cluster-totals").BoundingBoxAsync();
            (box!.X + box.Width).Should().BeLessThanOrEqualTo(width, "the totals fit the app bar");
        }

        await page.ClickAsync("#user-menu-button");
        await Assertions.Expect(page.Locator("#user-menu-who")).ToContainTextAsync(user);
        await Assertions.Expect(page.Locator("#nav-tokens")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#menu-theme")).ToBeVisibleAsync();
        (await page.Locator("#sign-out").GetAttributeAsync("form")).Should().Be("sign-out-form");
        await page.ClickAsync("#sign-out");
        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        failures.Should().BeEmpty("no request fails, the favicon included");
    }

    [Fact]
    public async Task The_dark_theme_chosen_stays_after_a_reload_and_the_light_one_after_switching_back()
    {
        var page = await host.OpenAsync("/jobs", "alice", 1280, 800);
        var failures = RecordFailedRequests(page);
        (await BackgroundAsync(page)).Should().Be("rgb(255, 255, 255)", "the theme starts light");
        var lightHtml = await (await page.APIRequest.GetAsync(page.Url)).TextAsync();

        await page.ClickAsync("#theme-toggle");
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor !== 'rgb(255, 255, 255)'");
        var dark = await BackgroundAsync(page);

        var reloaded = await page.ReloadAsync();
        var darkHtml = await reloaded!.TextAsync();
        await BrowserHost.WaitForInteractiveAsync(page);
        ThemeBackground(darkHtml).Should().NotBe(ThemeBackground(lightHtml), "the server renders the stored theme in the page itself, before any script runs");
        (await BackgroundAsync(page)).Should().Be(dark);

        await page.ClickAsync("#user-menu-button");
        await page.ClickAsync("#menu-theme");
        await page.WaitForFunctionAsync("() => getComputedStyle(document.body).backgroundColor === 'rgb(255, 255, 255)'");
        await page.ReloadAsync();
        await BrowserHost.WaitForInteractiveAsync(page);
        (await BackgroundAsync(page)).Should().Be("rgb(255, 255, 255)");
        failures.Should().BeEmpty();
    }

    [Fact]
    public async Task The_favicon_is_served_and_linked()
    {
        var page = await host.OpenAsync("/", "alice", 1280, 800);
        var href = await page.Locator("link[rel='icon']").GetAttributeAsync("href");
        var response = await page.APIRequest.GetAsync(new Uri(host.BaseAddress, href!).ToString());
        response.Status.Should().Be(200);
        response.Headers["content-type"].Should().StartWith("image/svg+xml");
    }

    /// <summary>
    /// The README's pictures of the layout, light theme, at desktop and phone width, with a job holding GPUs. Written to
    /// TestResults/screenshots on every run, and to docs/images when DASHBOARD_README_IMAGES=1.
    /// </summary>
    [Fact]
    public async Task Readme_screenshots_show_the_layout_at_desktop_and_phone_width()
    {
        var engine = host.Service<ClusterEngine>();
        var submitted = await engine.SubmitAsync(
            new JobSpec("train-resnet", "alice", "vision", "python train.py", new ResourceRequest(3, 8000, 16384), Walltime: TimeSpan.FromHours(2)), "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        try
        {
            var desktop = await host.OpenAsync("/", "lead", 1280, 800);
            await Assertions.Expect(desktop.Locator($".gpu-tile.allocated[data-job='{submitted.Job!.Value}']")).ToHaveCountAsync(3);
            await SaveAsync(desktop, "layout-desktop", fullPage: false);

            var phone = await host.OpenAsync("/", "lead", 390, 844);
            await Assertions.Expect(phone.Locator($".gpu-tile.allocated[data-job='{submitted.Job!.Value}']")).ToHaveCountAsync(3);
            await SaveAsync(phone, "layout-phone", fullPage: false);
            await OpenNavigationAsync(phone, narrow: true);
            await SaveAsync(phone, "layout-phone-menu", fullPage: false);
        }
        finally
        {
            await engine.CancelAsync(submitted.Job!.Value, "alice");
        }
    }

    private static async Task SaveAsync(IPage page, string name, bool fullPage)
    {
        var file = await BrowserHost.ScreenshotAsync(page, name);
        if (Environment.GetEnvironmentVariable("DASHBOARD_README_IMAGES") == "1")
        {
            var target = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(file)))!, "docs", "images", name + ".png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = target, FullPage = fullPage });
            new FileInfo(target).Length.Should().BeLessThan(400_000, "README images stay small");
        }
    }

    /// <summary>Opens the drawer on a narrow screen (once the last navigation closed it); on a wide one it is always open.</summary>
    private static async Task OpenNavigationAsync(IPage page, bool narrow)
    {
        if (narrow)
        {
            var button = page.Locator("#menu-button");
            await Assertions.Expect(button).ToHaveAttributeAsync("aria-expanded", "false");
            await button.ClickAsync();
            await Assertions.Expect(button).ToHaveAttributeAsync("aria-expanded", "true");
        }

        await Assertions.Expect(page.Locator("#nav-cluster")).ToBeInViewportAsync();
    }

    /// <summary>The background colour in the theme's style sheet that the server wrote into the page.</summary>
    private static string ThemeBackground(string html)
    {
        const string name = "--mud-palette-background:";
        var start = html.IndexOf(name, StringComparison.Ordinal);
        start.Should().BeGreaterThan(0, "the page carries MudBlazor's theme variables");
        return html[(start + name.Length)..html.IndexOf(';', start)].Trim();
    }

    private static Task<string> BackgroundAsync(IPage page) => page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    /// <summary>Every request of the page that fails or answers 400 or more, from now on.</summary>
    internal static List<string> RecordFailedRequests(IPage page)
    {
        var failures = new List<string>();
        page.RequestFailed += (_, request) =>
        {
            // A navigation away cancels the previous page's pending requests (e.g. the circuit's long poll): not a failure.
            if (request.Failure is { } failure && !failure.Contains("ERR_ABORTED", StringComparison.Ordinal))
            {
                lock (failures)
                {
                    failures.Add($"{request.Url}: {failure}");
                }
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                lock (failures)
                {
                    failures.Add($"{response.Url}: {response.Status}");
                }
            }
        };
        return failures;
    }
}
