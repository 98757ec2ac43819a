using System.Text.RegularExpressions;
using Dashboard.Web.Tests;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// Issue 21's log viewer, in a real Chromium against the real app whose own host is the only node: a real job prints
/// numbered lines over a few seconds (its own work); with Follow on, the open job page shows the last line without a
/// reload, and Download gives a file whose text is the job's whole output.
/// </summary>
public sealed partial class JobLogBrowserTests : IAsyncLifetime
{
    private static readonly string Expected = string.Concat(Enumerable.Range(1, 20).Select(i => $"line {i}\n"));

    private readonly BrowserHost host = new(new DashboardFactory
    {
        LocalNode = true,
        Settings = new Dictionary<string, string> { ["Cluster:DemoNodes:Enabled"] = "false" },
    });

    public ValueTask InitializeAsync() => host.InitializeAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Follow_shows_new_lines_without_a_reload_and_download_gives_the_whole_output()
    {
        var page = await host.OpenAsync("/jobs/new", user: "alice");
        await TypeAsync(page, "#job-name", "numbered-lines");
        await TypeAsync(page, "#job-command", "for i in $(seq 1 20); do echo line $i; sleep 0.3; done");
        await TypeAsync(page, "#job-gpus", "0");
        await TypeAsync(page, "#job-cpu", "0.5");
        await TypeAsync(page, "#job-memory", "1");
        await TypeAsync(page, "#job-walltime", "10m");
        await page.ClickAsync("#submit-job");
        await page.WaitForURLAsync(JobPageUrl(), new() { Timeout = 60_000 });
        var job = JobPageUrl().Match(page.Url).Groups[1].Value;

        // A mark in this document: it is gone if the page reloads.
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        var log = page.Locator("#job-log");
        await Assertions.Expect(log).ToContainTextAsync("line 1", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#job-log-box")).ToHaveAttributeAsync("data-follow", "1");
        await Assertions.Expect(log).ToContainTextAsync("line 20", new() { Timeout = 60_000 });
        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).Should().BeTrue("the new lines arrived without a reload");
        await Assertions.Expect(page.Locator("#job-state .job-state")).ToHaveAttributeAsync("data-state", "Succeeded", new() { Timeout = 60_000 });
        (await log.TextContentAsync()).Should().Be(Expected.TrimEnd('\n'));

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#job-log-download"));
        download.SuggestedFilename.Should().Be($"job-{job}.log");
        var file = await download.PathAsync();
        (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Should().Be(Expected);
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }

    [GeneratedRegex(@"/jobs/(\d+)$")]
    private static partial Regex JobPageUrl();
}
