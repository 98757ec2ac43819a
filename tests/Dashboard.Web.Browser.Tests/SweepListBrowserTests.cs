using System.Text.RegularExpressions;
using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// A sweep in the Jobs list of a real Chromium, run by real processes: one row that opens to its jobs, held and
/// cancelled as a whole, one of its jobs held and released on its page.
/// </summary>
public sealed class SweepListBrowserTests : IClassFixture<BrowserHost>
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);

    private readonly BrowserHost host;

    public SweepListBrowserTests(BrowserHost host)
    {
        this.host = host;
    }

    [Fact]
    public async Task A_sweep_is_held_and_cancelled_from_its_row_and_one_of_its_jobs_is_held_and_released_on_its_page()
    {
        var sweep = await SubmitSweepAsync("long-sweep", "sleep 600", "seed=[1,2,3]", maxRunning: 1);
        var page = await host.OpenAsync($"/jobs?text=long-sweep");
        var row = page.Locator("#jobs-grid tr.sweep-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#jobs-grid tr.job-row")).ToHaveCountAsync(1);
        await row.Locator(".sweep-toggle").ClickAsync();
        await Assertions.Expect(page.Locator($".sweep-details[data-sweep-id='{sweep}'] tr.sweep-job")).ToHaveCountAsync(3);

        await page.Locator("[data-sweep-action='hold']").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync(new Regex($"Sweep {sweep}: [23] jobs of sweep {sweep} held"));

        // The last job of the sweep, on its own page: held by its owner, released, held again.
        await host.GoToAsync(page, $"/jobs/{sweep + 2}");
        await Assertions.Expect(page.Locator("#job-held")).ToContainTextAsync("held by its owner alice");
        await page.ClickAsync("#release-job");
        await Assertions.Expect(page.Locator("#job-held")).ToHaveCountAsync(0);
        await page.ClickAsync("#hold-job");
        await Assertions.Expect(page.Locator("#job-held")).ToContainTextAsync("held by its owner alice");

        await host.GoToAsync(page, "/jobs?text=long-sweep");
        await page.Locator("#jobs-grid tr.sweep-row .sweep-toggle").ClickAsync();
        await page.Locator("[data-sweep-action='cancel']").ClickAsync();
        await page.Locator(".mud-message-box__yes-button, .mud-dialog-actions button:last-child").Last.ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync($"jobs of sweep {sweep} cancelled");
        await Assertions.Expect(page.Locator("#jobs-grid tr.sweep-row .sweep-progress")).ToHaveTextAsync("0/3 done, 3 cancelled");
    }

    private async Task<long> SubmitSweepAsync(string name, string command, string grid, int? maxRunning)
    {
        var spec = new JobSpec(name, "alice", "vision", command, new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromHours(1));
        var answer = await host.Service<ClusterCommands>().SendAsync(Alice, new SubmitSweep(spec, grid, maxRunning));
        answer.Succeeded.Should().BeTrue(answer.Reason);
        return answer.Job!.Value.Value;
    }
}
