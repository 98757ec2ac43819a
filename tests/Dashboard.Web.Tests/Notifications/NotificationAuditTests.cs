using Dashboard.Api.Contracts;
using Dashboard.Data.Audit;
using Dashboard.Data.Users;
using Dashboard.Web.Identity;
using Dashboard.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Notifications;

/// <summary>Adding and removing a webhook and changing the email target are audited; no secret reaches the audit log.</summary>
public sealed class NotificationAuditTests
{
    [Fact]
    public async Task Webhook_and_email_changes_are_audited_without_the_secret_or_the_addresss_path()
    {
        await using var app = new DashboardFactory
        {
            Settings = new Dictionary<string, string> { ["Notifications:Webhooks:AllowPrivateNetworks"] = "true" },
        };
        await app.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var alice = SignedInUser.Of(app.Services.GetRequiredService<UserStore>().Find("alice")!);
        var editor = app.Services.GetRequiredService<NotificationPreferencesEditor>();
        var audit = app.Services.GetRequiredService<AuditStore>();

        var (hook, error) = editor.AddWebhook(alice, "http://127.0.0.1:9/services/T0001/very-secret-key");
        hook.Should().NotBeNull(error);
        editor.Save(alice, new NotificationPreferencesUpdate("alice@example.org", null, null)).Errors.Should().BeEmpty();
        editor.Save(alice, new NotificationPreferencesUpdate(null, 30, null)).Errors.Should().BeEmpty();
        editor.RemoveWebhook(alice, hook!.Id).Should().BeTrue();
        editor.RemoveWebhook(alice, hook.Id).Should().BeFalse();

        var entries = audit.ForTarget("user:alice").Select(r => r.Entry).Where(e => e.Action.StartsWith("notifications.", StringComparison.Ordinal)).ToList();
        entries.Select(e => e.Action).Should().BeEquivalentTo(["notifications.webhook.add", "notifications.email", "notifications.webhook.remove"],
            "the threshold alone changed no target, and a second remove removed nothing");
        entries.Should().OnlyContain(e => e.Actor == "alice");
        var added = entries.Single(e => e.Action == "notifications.webhook.add");
        added.AfterJson.Should().Be($$"""{"Id":{{hook.Id}},"Address":"http://127.0.0.1:9/\u2026"}""");
        entries.Single(e => e.Action == "notifications.email").AfterJson.Should().Be("""{"Email":"alice@example.org"}""");
        entries.Should().OnlyContain(e => !$"{e.BeforeJson}{e.AfterJson}".Contains(hook.Secret, StringComparison.Ordinal)
            && !$"{e.BeforeJson}{e.AfterJson}".Contains("very-secret-key", StringComparison.Ordinal));
    }
}
