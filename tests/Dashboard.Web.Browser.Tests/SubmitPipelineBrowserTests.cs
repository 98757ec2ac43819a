using System.Text.RegularExpressions;
using Dashboard.Data.Users;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The Submit form's dependency picker and sweep editor in a real Chromium: the sweep's preview lists its jobs as they
/// are typed and a submitted sweep makes them; a job to wait for is named on the form, an unseen one is refused with
/// the door's reason and nothing is submitted, and a job submitted after another waits for it.
/// </summary>
public sealed class SubmitPipelineBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);

    [Fact]
    public async Task A_sweep_is_previewed_as_it_is_typed_and_submitting_it_makes_each_job()
    {
        var page = await host.OpenAsync("/jobs/new");
        await TypeAsync(page, "#job-name", "browser-sweep");
        await TypeAsync(page, "#job-command", "echo $LR $SEED");
        await TypeAsync(page, "#job-gpus", "0");
        await TypeAsync(page, "#sweep-grid", "lr=[1e-4,3e-4] x seed=[1,2]");
        await TypeAsync(page, "#sweep-max-running", "2");

        await Assertions.Expect(page.Locator("#sweep-count")).ToHaveTextAsync("4 jobs:");
        await Assertions.Expect(page.Locator("#sweep-preview li")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#sweep-preview li").Nth(3)).ToContainTextAsync("lr=3e-4 seed=2");
        await BrowserHost.ScreenshotAsync(page, "submit-sweep");

        await page.ClickAsync("#submit-job");
        await page.WaitForURLAsync(new Regex(@"/jobs/\d+$"));
        var first = long.Parse(new Uri(page.Url).Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
        var firstJob = host.Service<Dashboard.Data.Jobs.JobStore>().Find(new JobId(first))!;
        firstJob.Job.Spec.Name.Should().StartWith("browser-sweep");

        // The Jobs list shows the sweep as one row with its progress, not four loose rows; it opens to its four jobs.
        await host.GoToAsync(page, "/jobs?text=browser-sweep");
        var sweepRow = page.Locator("#jobs-grid tr.sweep-row");
        await Assertions.Expect(sweepRow).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#jobs-grid tr.job-row")).ToHaveCountAsync(1);
        await Assertions.Expect(sweepRow.Locator(".sweep-name")).ToContainTextAsync($"browser-sweep · sweep #{first} of 4 jobs");
        await Assertions.Expect(sweepRow.Locator(".sweep-progress")).ToContainTextAsync("/4 done");
        await sweepRow.Locator(".sweep-toggle").ClickAsync();
        await Assertions.Expect(page.Locator($".sweep-details[data-sweep-id='{first}'] tr.sweep-job")).ToHaveCountAsync(4);
        await BrowserHost.ScreenshotAsync(page, "jobs-sweep-row");

        await page.Locator(".sweep-list-link").ClickAsync();
        await Assertions.Expect(page.Locator("#sweep-filter")).ToContainTextAsync($"sweep #{first}");
        await Assertions.Expect(page.Locator("#jobs-grid tr.job-row")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#jobs-grid tr.sweep-row")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_job_to_wait_for_is_named_on_the_form_an_unseen_one_is_refused_and_the_dependent_job_waits()
    {
        var spec = new JobSpec("prepare-data", "alice", "vision", "python prepare.py", new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromHours(1));
        var answer = await host.Service<ClusterCommands>().SendAsync(Alice, new SubmitJobAfter(spec, [], Held: true));
        answer.Succeeded.Should().BeTrue(answer.Reason);
        var prepare = answer.Job!.Value.Value;

        var page = await host.OpenAsync("/jobs/new");
        await TypeAsync(page, "#job-name", "train-after");
        await TypeAsync(page, "#job-command", "python train.py");
        await TypeAsync(page, "#job-gpus", "0");
        await TypeAsync(page, "#job-after", "999999");
        await Assertions.Expect(page.Locator("#job-after-list")).ToContainTextAsync("job 999999: no such job that you may see");
        await page.ClickAsync("#submit-job");
        await Assertions.Expect(page.Locator("#submit-refusal")).ToContainTextAsync("job 999999 does not exist or is not one you may see");
        new Uri(page.Url).AbsolutePath.Should().Be("/jobs/new");

        await TypeAsync(page, "#job-after", prepare.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Assertions.Expect(page.Locator("#job-after-list")).ToContainTextAsync($"job {prepare} · prepare-data");
        await page.ClickAsync("#submit-job");
        await page.WaitForURLAsync(new Regex(@"/jobs/\d+$"));
        var dependent = long.Parse(new Uri(page.Url).Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
        dependent.Should().NotBe(prepare);
        var stored = host.Service<Dashboard.Data.Jobs.JobStore>().Find(new JobId(dependent))!;
        stored.Job.Spec.Name.Should().Be("train-after");
        stored.State.Should().Be(JobState.Pending, "it waits for the held job it depends on");
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }
}
