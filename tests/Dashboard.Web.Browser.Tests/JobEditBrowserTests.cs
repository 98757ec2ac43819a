using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// Edit and requeue on the job page in a real Chromium: the edit form shows the what-if of the edited job before it is
/// saved, a refused edit says why and changes nothing, and a requeued running job comes back as its next attempt.
/// </summary>
public sealed class JobEditBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);

    private async Task<long> SubmitAsync(string name, int gpus, bool held)
    {
        var spec = new JobSpec(name, "alice", "vision", "python train.py", new ResourceRequest(gpus, 1000, 1024), Walltime: TimeSpan.FromHours(2));
        var command = held ? (ClusterCommand)new SubmitJobAfter(spec, [], Held: true) : new SubmitJob(spec);
        var answer = await host.Service<ClusterCommands>().SendAsync(Alice, command);
        answer.Succeeded.Should().BeTrue(answer.Reason);
        return answer.Job!.Value.Value;
    }

    [Fact]
    public async Task A_waiting_job_is_edited_on_its_page_after_the_what_if_and_a_refused_edit_says_why()
    {
        var job = await SubmitAsync("before-edit", 1, held: true);
        var page = await host.OpenAsync($"/jobs/{job}");

        await page.ClickAsync("#edit-job");
        await TypeAsync(page, "#edit-gpus", "16");
        await Assertions.Expect(page.Locator("#what-if[data-outcome='never']")).ToContainTextAsync("needs 16 GPUs");
        await page.ClickAsync("#save-edit");
        await Assertions.Expect(page.Locator("#edit-refusal")).ToContainTextAsync("needs 16 GPUs");

        await TypeAsync(page, "#edit-gpus", "2");
        await TypeAsync(page, "#edit-name", "after-edit");
        await Assertions.Expect(page.Locator("#what-if")).ToHaveAttributeAsync("data-outcome", new System.Text.RegularExpressions.Regex("starts|queued"));
        await Assertions.Expect(page.Locator("#what-if")).ToContainTextAsync("What if I save this edit now?");
        await BrowserHost.ScreenshotAsync(page, "job-edit");
        await page.ClickAsync("#save-edit");

        await Assertions.Expect(page.Locator("#job-title")).ToContainTextAsync("after-edit");
        await Assertions.Expect(page.Locator("#job-edit")).ToHaveCountAsync(0);
        var stored = host.Service<Dashboard.Data.Jobs.JobStore>().Find(new JobId(job))!;
        (stored.Job.Spec.Name, stored.Job.Spec.Request.Gpus).Should().Be(("after-edit", 2));
    }

    [Fact]
    public async Task A_running_job_is_requeued_from_its_page_and_comes_back_as_its_second_attempt()
    {
        var job = await SubmitAsync("requeue-me", 1, held: false);
        var page = await host.OpenAsync($"/jobs/{job}");
        await Assertions.Expect(page.Locator("#requeue-job")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("#edit-job")).ToHaveCountAsync(0);

        await page.ClickAsync("#requeue-job");
        await Assertions.Expect(page.Locator("#requeue-confirm")).ToContainTextAsync($"Stop job {job} now and put it back in the queue?");
        await page.ClickAsync("#confirm-requeue");

        await Assertions.Expect(page.Locator("#job-attempt")).ToHaveTextAsync("attempt 2");
        var events = host.Service<Dashboard.Data.Jobs.JobStore>().Events(new JobId(job));
        events.Should().Contain(e => e.From == JobState.Running && e.To == JobState.Pending && e.Reason == "requeued by alice");
    }

    [Fact]
    public async Task A_submit_saved_as_a_template_starts_the_form_again_and_a_duplicate_name_is_refused()
    {
        var page = await host.OpenAsync("/jobs/new");
        await TypeAsync(page, "#job-name", "templated-train");
        await TypeAsync(page, "#job-command", "python train.py --lr 3e-4");
        await TypeAsync(page, "#job-gpus", "2");
        await TypeAsync(page, "#job-walltime", "3h");
        await TypeAsync(page, "#template-name", "browser-template");
        await page.ClickAsync("#save-template");
        await Assertions.Expect(page.Locator("#template-choice")).ToHaveValueAsync("browser-template");

        await TypeAsync(page, "#template-name", "browser-template");
        await page.ClickAsync("#save-template");
        await Assertions.Expect(page.Locator("#template-problem")).ToContainTextAsync("You already have a template named \"browser-template\"");

        var fresh = await host.OpenAsync("/jobs/new");
        await fresh.Locator(".template-select").First.ClickAsync();
        await fresh.Locator(".mud-popover-open .mud-list-item", new PageLocatorOptions { HasText = "browser-template" }).ClickAsync();

        await Assertions.Expect(fresh.Locator("#job-name")).ToHaveValueAsync("templated-train");
        await Assertions.Expect(fresh.Locator("#job-command")).ToHaveValueAsync("python train.py --lr 3e-4");
        await Assertions.Expect(fresh.Locator("#job-gpus")).ToHaveValueAsync("2");
        await Assertions.Expect(fresh.Locator("#job-walltime")).ToHaveValueAsync("3h");
        await Assertions.Expect(fresh.Locator("#what-if[data-outcome='starts']")).ToBeVisibleAsync();
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }
}
