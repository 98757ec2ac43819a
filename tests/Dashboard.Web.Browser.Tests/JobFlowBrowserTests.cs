using System.Text.RegularExpressions;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The newcomer's path in a real Chromium: submit through the form, see the job's GPUs on the Cluster page, cancel it
/// on the Jobs page, while a second browser context that never reloads watches the GPUs turn free. Screenshots of
/// the Submit form and the Cluster page are saved as artefacts (the README shows them).
/// </summary>
public sealed partial class JobFlowBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task A_job_submitted_through_the_form_runs_on_the_cluster_page_and_a_cancel_frees_its_GPUs_for_a_watcher()
    {
        var watcher = await host.OpenAsync("/", user: "lead");
        await Assertions.Expect(watcher.Locator(".gpu-tile.free")).ToHaveCountAsync(8);

        var alice = await host.OpenAsync("/jobs/new", user: "alice");
        await TypeAsync(alice, "#job-name", "browser-train");
        await TypeAsync(alice, "#job-command", "python train.py --epochs 10");
        await TypeAsync(alice, "#job-gpus", "2");
        await TypeAsync(alice, "#job-walltime", "2h");
        var whatIf = alice.Locator("#what-if[data-outcome='starts']");
        await Assertions.Expect(whatIf).ToContainTextAsync(new Regex(@"Starts now on demo-gpu-0\d \(GPUs 0.1\)"));
        await BrowserHost.ScreenshotAsync(alice, "submit-form");

        await alice.ClickAsync("#submit-job");
        await alice.WaitForURLAsync(JobPageUrl());
        var job = JobPageUrl().Match(alice.Url).Groups[1].Value;
        await Assertions.Expect(alice.Locator("#job-title")).ToContainTextAsync("browser-train");

        await host.GoToAsync(alice, "/");
        var tiles = alice.Locator($".gpu-tile.allocated[data-job='{job}']");
        await Assertions.Expect(tiles).ToHaveCountAsync(2);
        (await tiles.First.GetAttributeAsync("data-team")).Should().Be("vision");
        (await tiles.First.GetAttributeAsync("style")).Should().Contain("background-color", "a held GPU is coloured by its team");
        await BrowserHost.ScreenshotAsync(alice, "cluster");

        var watched = watcher.Locator($".gpu-tile.allocated[data-job='{job}']");
        await Assertions.Expect(watched).ToHaveCountAsync(2);

        await host.GoToAsync(alice, "/jobs");
        var cancel = alice.Locator($"[data-action='cancel'][data-job-id='{job}']");
        await cancel.ClickAsync();
        await Assertions.Expect(alice.Locator("#cancel-job-prompt")).ToContainTextAsync(job);
        await alice.ClickAsync("#confirm-cancel");

        await Assertions.Expect(watched).ToHaveCountAsync(0);
        await Assertions.Expect(watcher.Locator(".gpu-tile.free")).ToHaveCountAsync(8);
        await Assertions.Expect(alice.Locator($"tr.job-row:has([data-job-id='{job}'])")).ToContainTextAsync("Cancelled");
    }

    [Fact]
    public async Task A_request_that_can_never_fit_shows_its_reason_and_cannot_be_submitted()
    {
        var alice = await host.OpenAsync("/jobs/new", user: "alice");
        await TypeAsync(alice, "#job-name", "too-big");
        await TypeAsync(alice, "#job-command", "python train.py");
        await TypeAsync(alice, "#job-gpus", "16");

        await Assertions.Expect(alice.Locator("#what-if[data-outcome='never']")).ToContainTextAsync("needs 16 GPUs; the largest node has 4");
        await Assertions.Expect(alice.Locator("#submit-job")).ToBeDisabledAsync();
        await Assertions.Expect(alice.Locator("#submit-blocked")).ToContainTextAsync("needs 16 GPUs");
        await BrowserHost.ScreenshotAsync(alice, "submit-never-fits");

        await alice.Locator("#submit-job").ClickAsync(new LocatorClickOptions { Force = true });
        alice.Url.Should().EndWith("/jobs/new", "a disabled button submits nothing");
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }

    [GeneratedRegex(@"/jobs/(\d+)$")]
    private static partial Regex JobPageUrl();
}
