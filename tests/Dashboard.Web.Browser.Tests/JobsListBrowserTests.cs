using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Playwright;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The Jobs list in a real Chromium at desktop and phone width: search as you type finds the jobs, several are ticked
/// and cancelled together, and the snackbar that sums up the answers sits clear of the filters.
/// </summary>
public sealed class JobsListBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Theory]
    [InlineData(1280, 800)]
    [InlineData(390, 844)]
    public async Task Typing_finds_jobs_ticking_several_cancels_them_together_and_the_snackbar_leaves_the_filters_visible(int width, int height)
    {
        var tag = $"bulk{width}";
        var engine = host.Service<ClusterEngine>();
        var jobs = new List<long>();
        foreach (var name in new[] { $"{tag}-a", $"{tag}-b" })
        {
            var submitted = await engine.SubmitAsync(
                new JobSpec(name, "alice", "vision", "sleep 600", new ResourceRequest(0, 500, 256), Walltime: TimeSpan.FromHours(1)), "alice");
            submitted.Succeeded.Should().BeTrue(submitted.Reason);
            jobs.Add(submitted.Job!.Value.Value);
        }

        var alice = await host.OpenAsync("/jobs", user: "alice", width: width, height: height);
        await alice.Locator("#text-filter").PressSequentiallyAsync(tag);
        await Assertions.Expect(alice.Locator("tr.job-row")).ToHaveCountAsync(2);
        await alice.WaitForURLAsync(url => url.Contains($"text={tag}", StringComparison.Ordinal));

        foreach (var job in jobs)
        {
            await alice.Locator($"input[data-select-job='{job}']").CheckAsync();
        }

        await Assertions.Expect(alice.Locator("#selection-count")).ToHaveTextAsync("2 jobs selected");
        alice.Url.Should().EndWith($"/jobs?text={tag}", "ticking a job does not open it");
        await alice.ClickAsync("#cancel-selected");
        await Assertions.Expect(alice.Locator("#cancel-job-prompt")).ToContainTextAsync($"Cancel 2 jobs (#{jobs[0]}, #{jobs[1]})?");
        await alice.ClickAsync("#confirm-cancel");

        var snackbar = alice.Locator(".mud-snackbar").Filter(new LocatorFilterOptions { HasText = "2 cancelled" });
        await Assertions.Expect(snackbar).ToBeVisibleAsync();
        await BrowserHost.ScreenshotAsync(alice, $"jobs-bulk-cancel-{width}");
        var notice = (await snackbar.BoundingBoxAsync())!;
        foreach (var filter in new[] { "#text-filter", "#team-filter", "#owner-filter", "#my-jobs", "#state-filter" })
        {
            var box = (await alice.Locator(filter).BoundingBoxAsync())!;
            Overlaps(notice, box).Should().BeFalse($"the snackbar must not cover {filter} at {width}x{height}");
        }

        foreach (var job in jobs)
        {
            await Assertions.Expect(alice.Locator($"tr.job-row:has([data-job-id='{job}'])")).ToContainTextAsync("Cancelled");
        }
    }

    private static bool Overlaps(LocatorBoundingBoxResult a, LocatorBoundingBoxResult b) =>
        a.X < b.X + b.Width && b.X < a.X + a.Width && a.Y < b.Y + b.Height && b.Y < a.Y + a.Height;
}
