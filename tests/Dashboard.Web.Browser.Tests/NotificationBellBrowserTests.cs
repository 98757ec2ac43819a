using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Playwright;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The bell in a real Chromium: a page that never reloads sees its count rise when the person's job starts (live through
/// the feed), lists it, marks it read, and leads to the preferences page.
/// </summary>
public sealed class NotificationBellBrowserTests(BrowserHost host) : IClassFixture<BrowserHost>
{
    [Fact]
    public async Task The_bell_counts_a_started_job_live_lists_it_and_marks_it_read()
    {
        var alice = await host.OpenAsync("/", user: "alice");
        var bell = alice.Locator("#notification-bell");
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-unread", "0");

        var submitted = await host.Service<ClusterEngine>().SubmitAsync(
            new JobSpec("bell-job", "alice", "vision", "sleep 600", new ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1)), "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        var job = submitted.Job!.Value;

        await Assertions.Expect(bell).ToHaveAttributeAsync("data-unread", "1");
        await Assertions.Expect(alice.Locator("#notification-bell-button")).ToHaveAttributeAsync("aria-label", "Notifications, 1 unread");

        await alice.ClickAsync("#notification-bell-button");
        var item = alice.Locator($".notification-item:has-text('Job {job} \"bell-job\" started')");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-read", "0");
        await Assertions.Expect(item).ToContainTextAsync("on demo-gpu-");
        await BrowserHost.ScreenshotAsync(alice, "notification-bell");

        await item.Locator(".notification-mark-read").ClickAsync();
        await Assertions.Expect(bell).ToHaveAttributeAsync("data-unread", "0");
        await Assertions.Expect(item).ToHaveAttributeAsync("data-read", "1");

        var bob = await host.OpenAsync("/", user: "bob");
        await Assertions.Expect(bob.Locator("#notification-bell")).ToHaveAttributeAsync("data-unread", "0");

        await alice.ClickAsync("#notification-preferences-link");
        await Assertions.Expect(alice.Locator("#notification-preferences-page")).ToBeVisibleAsync();
        await Assertions.Expect(alice.Locator(".notification-choice")).ToHaveCountAsync(9);
    }
}
