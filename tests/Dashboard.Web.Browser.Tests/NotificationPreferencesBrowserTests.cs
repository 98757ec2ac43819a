using System.Collections.Immutable;
using Dashboard.Data.Users;
using Dashboard.Engine.Notifications;
using Dashboard.Scheduling.Control;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Commands;
using Dashboard.Web.Identity;
using Dashboard.Web.Notifications;
using Dashboard.Web.Tests;

namespace Dashboard.Web.Browser.Tests;

/// <summary>
/// The notification preferences page (/account/notifications) in a real Chromium, on a server that sends email: kinds
/// switched per channel, the email address and the waiting threshold saved and kept across a reload, a bad address
/// refused with nothing saved, a webhook to a loopback address refused when added, one stored before shown failing
/// with its error after a delivery to it fails, and removed.
/// </summary>
public sealed class NotificationPreferencesBrowserTests : IAsyncLifetime
{
    private static readonly SignedInUser Bob = new("bob", UserRole.Member, ["nlp"]);

    private readonly BrowserHost host = new(new DashboardFactory
    {
        // Email is offered only when the server has an SMTP host; nothing here sends one.
        Settings = new Dictionary<string, string> { ["Notifications:Smtp:Host"] = "127.0.0.1", ["Notifications:Smtp:Port"] = "9" },
    });

    public ValueTask InitializeAsync() => host.InitializeAsync();

    public ValueTask DisposeAsync() => host.DisposeAsync();

    [Fact]
    public async Task Choices_email_and_threshold_are_saved_and_a_webhook_is_added_shown_failing_and_removed()
    {
        var page = await host.OpenAsync("/account/notifications", user: "bob");
        await page.Locator("tr.notification-choice[data-kind='job.failed'] .choice-email input").CheckAsync();
        await page.Locator("tr.notification-choice[data-kind='job.cancelled'] .choice-webhook input").CheckAsync();
        await page.Locator("tr.notification-choice[data-kind='job.started'] .choice-dashboard input").UncheckAsync();
        await TypeAsync(page, "#notification-email", "bob@example.org");
        await TypeAsync(page, "#notification-waiting", "45");
        await page.ClickAsync("#save-notification-preferences");
        await Assertions.Expect(page.Locator("#notification-preferences-saved")).ToBeVisibleAsync();

        var saved = host.Service<NotificationPreferencesEditor>().Read(Bob);
        saved.Email.Should().Be("bob@example.org");
        saved.WaitingMinutes.Should().Be(45);
        saved.Choices.Single(c => c.Kind == "job.failed").Should().Match<Dashboard.Api.Contracts.NotificationChoiceView>(c => c.Email && c.Dashboard && !c.Webhook);
        saved.Choices.Single(c => c.Kind == "job.cancelled").Webhook.Should().BeTrue();
        saved.Choices.Single(c => c.Kind == "job.started").Dashboard.Should().BeFalse();

        await host.GoToAsync(page, "/account/notifications");
        await Assertions.Expect(page.Locator("tr.notification-choice[data-kind='job.failed'] .choice-email input")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("tr.notification-choice[data-kind='job.started'] .choice-dashboard input")).Not.ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#notification-email")).ToHaveValueAsync("bob@example.org");
        await Assertions.Expect(page.Locator("#notification-waiting")).ToHaveValueAsync("45");

        await TypeAsync(page, "#notification-email", "not-an-address");
        await page.ClickAsync("#save-notification-preferences");
        await Assertions.Expect(page.Locator("#notification-preferences-page")).ToContainTextAsync("'not-an-address' is not an email address");
        host.Service<NotificationPreferencesEditor>().Read(Bob).Email.Should().Be("bob@example.org", "a refused save changes nothing");

        // A loopback address is refused when added: the field says why and nothing is stored.
        await TypeAsync(page, "#webhook-url", "https://127.0.0.1:9/hook");
        await page.ClickAsync("#add-webhook");
        await Assertions.Expect(page.Locator("#notification-preferences-page")).ToContainTextAsync("127.0.0.1 is a loopback or private-network address");
        await Assertions.Expect(page.Locator("#new-webhook-secret")).ToHaveCountAsync(0);
        host.Service<NotificationPreferencesEditor>().Read(Bob).Webhooks.Should().BeEmpty("a refused webhook is not stored");

        // One stored before (while an admin allowed private networks, say) is refused at delivery: its deliveries fail
        // and are given up.
        host.Service<Dashboard.Data.Notifications.NotificationChoiceStore>().AddWebhook("bob", "https://127.0.0.1:9/hook", "whsec_before", TimeProvider.System.GetUtcNow());
        host.Service<NotificationDirectory>().Reload();
        await host.GoToAsync(page, "/account/notifications");
        var row = page.Locator("tr.webhook-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator(".webhook-status")).ToHaveTextAsync("working");

        var door = host.Service<ClusterCommands>();
        var held = await door.SendAsync(Bob, new SubmitJobAfter(new JobSpec("hooked", "bob", "nlp", "true", new ResourceRequest(0, 100, 64), Walltime: TimeSpan.FromMinutes(10)), ImmutableArray<DependencyTerm>.Empty, Held: true));
        held.Succeeded.Should().BeTrue(held.Reason);
        (await door.SendAsync(Bob, new CancelJob(held.Job!.Value))).Succeeded.Should().BeTrue();
        // Every due delivery is tried before this returns (the server's own worker may have tried it first).
        await host.Service<OutboxDeliveryWorker>().DeliverDueAsync(TestContext.Current.CancellationToken);

        await host.GoToAsync(page, "/account/notifications");
        await Assertions.Expect(page.Locator("#new-webhook-secret")).ToHaveCountAsync(0);
        await Assertions.Expect(row.Locator(".webhook-status")).ToContainTextAsync("failing: 127.0.0.1 is a loopback or private-network address");
        await Assertions.Expect(row.Locator(".webhook-status")).ToContainTextAsync("given up");
        await BrowserHost.ScreenshotAsync(page, "notification-preferences-failing-webhook");

        await row.Locator(".remove-webhook").ClickAsync();
        await Assertions.Expect(page.Locator("#no-webhooks")).ToBeVisibleAsync();
        host.Service<NotificationPreferencesEditor>().Read(Bob).Webhooks.Should().BeEmpty();
    }

    private static async Task TypeAsync(IPage page, string selector, string text)
    {
        await page.FillAsync(selector, text);
        await page.PressAsync(selector, "Tab");
    }
}
