using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;

namespace Dashboard.Web.Browser.Tests;

/// <summary>The quota replay in a real Chromium: an admin replays the recorded jobs with another quota and reads the figures.</summary>
public sealed class QuotaReplayBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task An_admin_replays_the_last_30_days_with_another_quota_and_sees_each_teams_figures()
    {
        // Two finished 4-GPU jobs of vision, submitted two days ago a minute apart, each ran an hour.
        var submitted = host.Service<TimeProvider>().GetUtcNow().AddDays(-2);
        var writer = host.Service<ClusterWriter>();
        for (var i = 0; i < 2; i++)
        {
            var id = new JobId(900_001 + i);
            var spec = new JobSpec("replayed", "alice", "vision", "python train.py", new ResourceRequest(4, 1000, 1024), Walltime: TimeSpan.FromHours(2));
            var start = submitted.AddMinutes(i * 61);
            writer.Write([new JobSubmitted(new Job(id, spec, submitted.AddMinutes(i)))]);
            writer.Write([new JobStateChanged(id, JobState.Pending, JobState.Running, start)]);
            writer.Write([new JobStateChanged(id, JobState.Running, JobState.Succeeded, start.AddHours(1))]);
        }

        var quotas = await host.OpenAsync("/admin/quotas", user: "admin");
        await Assertions.Expect(quotas.Locator("#quota-replay-link")).ToHaveAttributeAsync("href", "admin/quotas/replay");
        var admin = await host.OpenAsync("/admin/quotas/replay", user: "admin");
        await admin.FillAsync("#replay-vision-borrow-gpus", "0");
        await admin.PressAsync("#replay-vision-borrow-gpus", "Tab");
        await admin.ClickAsync("#run-replay");

        await Assertions.Expect(admin.Locator("#quota-replay-message")).ToHaveTextAsync("Replayed 2 jobs.");
        await Assertions.Expect(admin.Locator("#quota-replay-results tr[data-team='vision'] .jobs")).ToHaveTextAsync("2");
        await Assertions.Expect(admin.Locator("#quota-replay-results tr[data-team='vision'] .gpu-hours")).ToHaveTextAsync("8.0 → 8.0");
        await BrowserHost.ScreenshotAsync(admin, "admin-quota-replay");
    }
}
