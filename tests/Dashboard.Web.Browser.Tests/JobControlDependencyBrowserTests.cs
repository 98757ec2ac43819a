using System.Text.RegularExpressions;
using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The Submit form's dependency rules in a real Chromium beyond the default afterok: afterany picked in the rule list,
/// afternotok written beside the id (<c>42:notok</c>); each job page says what it runs after, and once the job they
/// wait for is cancelled both start while an afterok job ends with its dependency never met.
/// </summary>
public sealed partial class JobControlDependencyBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);

    [Fact]
    public async Task Jobs_after_any_and_notok_are_submitted_on_the_form_and_start_when_the_job_they_wait_for_is_cancelled()
    {
        var door = host.Service<ClusterCommands>();
        var spec = new JobSpec("prepare-step", "alice", "vision", "python prepare.py", new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromHours(1));
        var answer = await door.SendAsync(Alice, new SubmitJobAfter(spec, [], Held: true));
        answer.Succeeded.Should().BeTrue(answer.Reason);
        var prepare = answer.Job!.Value.Value;

        var page = await host.OpenAsync("/jobs/new");
        await FillFormAsync(page, "report-any", prepare.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Locator("#submit-dependencies .mud-select").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "after they end (afterany)" }).ClickAsync();
        await Assertions.Expect(page.Locator("#job-after-rule")).ToHaveValueAsync("after they end (afterany)");
        var any = await SubmitAsync(page);
        await Assertions.Expect(page.Locator("#job-after")).ToHaveTextAsync($"Runs after job {prepare} ends");

        await host.GoToAsync(page, "/jobs/new");
        await FillFormAsync(page, "cleanup-notok", $"{prepare}:notok");
        await Assertions.Expect(page.Locator("#job-after-list")).ToContainTextAsync($"job {prepare} · prepare-step");
        var notOk = await SubmitAsync(page);
        await Assertions.Expect(page.Locator("#job-after")).ToHaveTextAsync($"Runs after job {prepare} fails");

        await host.GoToAsync(page, "/jobs/new");
        await FillFormAsync(page, "train-ok", prepare.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var ok = await SubmitAsync(page);
        await Assertions.Expect(page.Locator("#job-after")).ToHaveTextAsync($"Runs after job {prepare} succeeds");

        (await door.SendAsync(Alice, new CancelJob(new JobId(prepare)))).Succeeded.Should().BeTrue();

        // The ok job's page, open since its submit, follows it to its end; the other two pages show them started.
        await Assertions.Expect(page.Locator("#job-state .job-state")).ToHaveAttributeAsync("data-state", new Regex("^(Cancelled|Failed)$"));
        await Assertions.Expect(page.Locator("#job-end-reason")).ToContainTextAsync($"dependency never met: job {prepare} ended Cancelled");
        foreach (var started in new[] { any, notOk })
        {
            await host.GoToAsync(page, $"/jobs/{started}");
            await Assertions.Expect(page.Locator("#job-state .job-state")).ToHaveAttributeAsync("data-state", new Regex("^(Running|Succeeded)$"));
        }

        ok.Should().NotBe(any).And.NotBe(notOk);
    }

    private static async Task FillFormAsync(IPage page, string name, string after)
    {
        await TypeAsync(page, "#job-name", name);
        await TypeAsync(page, "#job-command", "python step.py");
        await TypeAsync(page, "#job-gpus", "0");
        await TypeAsync(page, "#job-after", after);
    }

    private static async Task<long> SubmitAsync(IPage page)
    {
        await page.ClickAsync("#submit-job");
        await page.WaitForURLAsync(JobPageUrl());
        return long.Parse(JobPageUrl().Match(page.Url).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }

    [GeneratedRegex(@"/jobs/(\d+)$")]
    private static partial Regex JobPageUrl();
}
