using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Web.Identity;
using Microsoft.Playwright;

namespace Dashboard.Slurm.Tests;

/// <summary>
/// Issue 18's "done when", in Debian's Chromium: with Cluster:Slurm set (no local or demo node), a data scientist signs
/// in, submits a job through the Submit form, sees it Running on a Slurm node on its job page and in the Jobs list
/// (live, through the feed: neither page is reloaded), reads the output Slurm's node wrote, cancels it from its page
/// and sees it Cancelled, and Slurm itself reports the job cancelled.
/// </summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class SlurmBrowserTests(SlurmCluster cluster)
{
    /// <summary>Where the browser is; CI installs it with <c>apt-get install -y chromium</c>.</summary>
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("DASHBOARD_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>
    /// A browser step with a Slurm round trip (submit, start, a poll) on a loaded 2-core machine: generous (the whole
    /// test took 30-92 s at a load average of 30-40), an upper bound, never a sleep.
    /// </summary>
    private static readonly float Patience = (float)(2 * SlurmDashboard.Patience.TotalMilliseconds);

    [Fact]
    public async Task A_data_scientist_submits_watches_and_cancels_in_the_browser_a_job_that_slurm_runs_on_its_node()
    {
        File.Exists(ChromiumPath).Should().BeTrue($"Chromium must be at {ChromiumPath} (apt-get install -y chromium, as .ci/run does; or set DASHBOARD_CHROMIUM)");
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
        try
        {
            // The Jobs list, open before the submit and never reloaded: the job must appear and change there live.
            var list = await SignInAsync(browser, dashboard, "/jobs");
            await list.EvaluateAsync("() => { window.__sameDocument = true; }");

            var page = await SignInAsync(browser, dashboard, "/jobs/new");
            await TypeAsync(page, "#job-name", "slurm-browser");
            await TypeAsync(page, "#job-command", "echo \"running on $SLURMD_NODENAME as Slurm job $SLURM_JOB_ID\"; sleep 300");
            await TypeAsync(page, "#job-gpus", "1");
            await TypeAsync(page, "#job-cpu", "1");
            await TypeAsync(page, "#job-memory", "1");
            await TypeAsync(page, "#job-walltime", "10m");
            await Assertions.Expect(page.Locator("#what-if[data-outcome='starts']")).ToContainTextAsync(new Regex(@"Starts now on node[12]"));
            await page.ClickAsync("#submit-job");
            await page.WaitForURLAsync(JobPageUrl());
            var job = long.Parse(JobPageUrl().Match(page.Url).Groups[1].Value, CultureInfo.InvariantCulture);
            await page.EvaluateAsync("() => { window.__sameDocument = true; }");

            // Running on a Slurm node, on its page and in the list, as the feed brings it.
            await Assertions.Expect(page.Locator("#job-state .job-state")).ToHaveAttributeAsync("data-state", "Running", new() { Timeout = Patience });
            var nodeCell = page.Locator("#job-allocation tr[data-allocation='node'] td");
            await Assertions.Expect(nodeCell).ToHaveTextAsync(new Regex("^node[12]$"), new() { Timeout = Patience });
            var node = (await nodeCell.TextContentAsync())!.Trim();
            var row = list.Locator($"tr.job-row:has(a.job-link[data-job-id='{job}'])");
            await Assertions.Expect(row.Locator(".job-state")).ToHaveAttributeAsync("data-state", "Running", new() { Timeout = Patience });

            // Slurm runs it there, as its own job, and the output its node wrote shows on the page.
            var slurmId = await dashboard.SlurmJobOfAsync(job);
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "RUNNING", $"Slurm job {slurmId} to run");
            (await cluster.CliAsync("squeue", "-h", "-j", slurmId.ToString(CultureInfo.InvariantCulture), "-o", "%T %N %u"))
                .Should().Be($"RUNNING {node} {SlurmCluster.JobUser}", "Slurm runs it on the node the page shows, as alice's Unix user");
            await Assertions.Expect(page.Locator("#job-log")).ToContainTextAsync($"running on {node} as Slurm job {slurmId}", new() { Timeout = Patience });

            // Cancelled from its page: Cancelled there and in the list, and cancelled in Slurm.
            await page.ClickAsync("#cancel-job");
            await Assertions.Expect(page.Locator("#cancel-job-prompt")).ToContainTextAsync(job.ToString(CultureInfo.InvariantCulture));
            await page.ClickAsync("#confirm-cancel");
            await Assertions.Expect(page.Locator("#job-state .job-state")).ToHaveAttributeAsync("data-state", "Cancelled", new() { Timeout = Patience });
            await Assertions.Expect(row.Locator(".job-state")).ToHaveAttributeAsync("data-state", "Cancelled", new() { Timeout = Patience });
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "CANCELLED", $"Slurm to report job {slurmId} cancelled");

            (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).Should().BeTrue("the job page changed live, without a reload");
            (await list.EvaluateAsync<bool>("() => window.__sameDocument === true")).Should().BeTrue("the Jobs list changed live, without a reload");
        }
        finally
        {
            await cluster.CliAsync("scancel", "--user=" + SlurmCluster.JobUser);
        }
    }

    /// <summary>A fresh browser context signed in as <paramref name="user"/> through the sign-in page, interactive at <paramref name="path"/>.</summary>
    private static async Task<IPage> SignInAsync(IBrowser browser, SlurmDashboard dashboard, string path, string user = "alice")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(Patience);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(dashboard.Address, "account/login?ReturnUrl=" + Uri.EscapeDataString(path)).ToString());
        await page.FillAsync("#user-name", user);
        await page.FillAsync("#password", DemoAccounts.All.Single(a => a.Name == user).Password);
        await page.ClickAsync("#sign-in");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await page.WaitForSelectorAsync("#interactive[data-ready='1']", new PageWaitForSelectorOptions { State = WaitForSelectorState.Attached });
        return page;
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }

    [GeneratedRegex(@"/jobs/(\d+)$")]
    private static partial Regex JobPageUrl();
}
