using Dashboard.Data.JobControl;
using Dashboard.Data.Jobs;
using Dashboard.Data.Users;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Dashboard.Web.Tests;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// "Resubmit failed" from a sweep's row of the Jobs list in a real Chromium. The app's own host is its only node (no
/// simulated demo nodes: those pretend a job runs for half its walltime and exits 0, so a job there never fails), so
/// the sweep's jobs are real processes that fail at once with exit 3 the first time and succeed when run again: the
/// row goes from "2 failed" to "2/2 done" on its own, without a reload. (An earlier version of this test ran on the
/// demo nodes, where its "exit 3" jobs were only pretended for half their walltime and so stayed "running".)
/// </summary>
public sealed class SweepResubmitBrowserTests : IAsyncLifetime
{
    private static readonly SignedInUser Alice = new("alice", UserRole.Member, ["vision"]);

    private readonly BrowserHost host = new(new DashboardFactory
    {
        LocalNode = true,
        Settings = new Dictionary<string, string> { ["Cluster:DemoNodes:Enabled"] = "false" },
    });

    public ValueTask InitializeAsync() => host.InitializeAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task A_sweeps_failed_jobs_are_resubmitted_from_its_row_join_it_and_their_success_shows_in_its_progress()
    {
        // A sweep's job N has id sweep + N; its resubmitted attempt gets a new id. So each first attempt fails and each
        // second succeeds (the job runs sandboxed in its own folder: the test and the two attempts share no file).
        // One at a time: two jobs ending at the same instant on this host can be marked failed for "left 1 process
        // running after its command ended" (seen here; the local executor's, not the sweep's).
        var sweep = await SubmitSweepAsync("failing-sweep", "[ \"$DASHBOARD_JOB_ID\" -eq $((DASH_SWEEP_ID + DASH_SWEEP_INDEX)) ] && exit 3; exit 0", "seed=[1,2]");
        var page = await host.OpenAsync("/jobs?text=failing-sweep");
        var progress = page.Locator("#jobs-grid tr.sweep-row .sweep-progress");
        await Assertions.Expect(progress).ToHaveTextAsync("0/2 done, 2 failed", new() { Timeout = 60_000 });
        await page.Locator("#jobs-grid tr.sweep-row .sweep-toggle").ClickAsync();

        await page.Locator("[data-sweep-action='resubmit-failed']").ClickAsync();

        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Sweep {sweep}: 2 failed jobs of sweep {sweep} resubmitted as");
        var details = page.Locator($".sweep-details[data-sweep-id='{sweep}']");
        await Assertions.Expect(details.Locator("tr.sweep-job")).ToHaveCountAsync(4);
        await Assertions.Expect(details.Locator("tr.sweep-job-replaced")).ToHaveCountAsync(2);

        // Both new attempts end (real processes, at once); the engine's tally and then the open page say so.
        await host.Service<ClusterEngine>().Feed.WaitForAsync(u => u.Snapshot.Pending.Count == 0 && u.Snapshot.Running.IsEmpty, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        var jobs = host.Service<JobStore>();
        var states = string.Join("\n", Enumerable.Range(0, 4).Select(i => jobs.Find(new JobId(sweep + i)) is { } r ? $"{sweep + i}: {r.State} exit {r.ExitCode} ({r.Reason}) `{r.Job.Spec.Command}`" : "none"));
        host.Service<JobControlStore>().Sweep(sweep)!.Describe().Should().Be("2/2 done", states);
        await Assertions.Expect(progress).ToHaveTextAsync("2/2 done", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("#jobs-grid tr.job-row")).ToHaveCountAsync(1);
        await BrowserHost.ScreenshotAsync(page, "jobs-sweep-resubmitted");
    }

    private async Task<long> SubmitSweepAsync(string name, string command, string grid)
    {
        var spec = new JobSpec(name, "alice", "vision", command, new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromMinutes(10));
        var answer = await host.Service<ClusterCommands>().SendAsync(Alice, new SubmitSweep(spec, grid, MaxRunning: 1));
        answer.Succeeded.Should().BeTrue(answer.Reason);
        return answer.Job!.Value.Value;
    }
}
