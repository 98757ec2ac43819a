using Dashboard.Data.Notifications;
using Dashboard.Engine.Notifications;
using Dashboard.Web.Notifications;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Components.Tests.Notifications;

/// <summary>/account/notifications on a real SQLite file: choices per kind and channel, the email address, webhooks and their failures.</summary>
public sealed class NotificationPreferencesPageTests : ComponentTest
{
    private readonly NotificationsDatabase data;

    public NotificationPreferencesPageTests()
        : this(new NotificationsDatabase())
    {
    }

    private NotificationPreferencesPageTests(NotificationsDatabase data)
        : base(services =>
        {
            var choices = new NotificationChoiceStore(data.Database);
            var options = new NotificationOptions { Smtp = new SmtpOptions { Host = "smtp.example" } };
            services.AddSingleton(new NotificationDirectory(choices));
            services.AddSingleton(new WebhookSender(options.Webhooks, data.Clock));
            services.AddSingleton(sp => new NotificationPreferencesEditor(
                choices, new NotificationOutbox(data.Database), sp.GetRequiredService<NotificationDirectory>(), options, sp.GetRequiredService<WebhookSender>(), data.Clock));
        }) => this.data = data;

    private NotificationChoiceStore Choices => new(data.Database);

    /// <summary>Types into a text field that updates as one types (its input event), on the renderer's dispatcher.</summary>
    private static Task Input(IRenderedComponent<NotificationPreferencesPage> page, string selector, string value) =>
        page.InvokeAsync(() => page.Find(selector).Input(value));

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        data.Dispose();
    }

    [Fact]
    public async Task Choices_and_the_email_address_are_saved_and_reach_the_engines_directory()
    {
        var page = Render<NotificationPreferencesPage>();
        page.FindAll(".notification-choice").Should().HaveCount(9);
        page.Find(".notification-choice[data-kind='session.idle']").TextContent.Should().Contain("A session of mine sits idle");

        await Change(page, ".notification-choice[data-kind='job.failed'] .choice-email input", true);
        await Change(page, ".notification-choice[data-kind='job.started'] .choice-dashboard input", false);
        await Input(page, "#notification-email", "alice@example.com");
        await Click(page, "#save-notification-preferences");

        page.Find("#notification-preferences-saved");
        var saved = Choices.Load("alice");
        saved.Email.Should().Be("alice@example.com");
        saved.Wants(NotificationKind.JobFailed, NotificationChannel.Email).Should().BeTrue();
        saved.Wants(NotificationKind.JobStarted, NotificationChannel.Dashboard).Should().BeFalse();
        Services.GetRequiredService<NotificationDirectory>().For("alice").Should().BeEquivalentTo(saved, "the engine reads the new choices at once");
    }

    [Fact]
    public async Task A_bad_email_address_is_refused_next_to_the_field_and_nothing_is_saved()
    {
        var page = Render<NotificationPreferencesPage>();

        await Input(page, "#notification-email", "alice at example");
        await Click(page, "#save-notification-preferences");

        page.Markup.Should().Contain("is not an email address like name@example.com");
        page.FindAll("#notification-preferences-saved").Should().BeEmpty();
        Choices.Load("alice").Email.Should().BeNull();
    }

    [Fact]
    public async Task A_webhook_shows_its_secret_once_and_a_failing_one_shows_its_last_error_and_next_try()
    {
        var page = Render<NotificationPreferencesPage>();
        page.Find("#no-webhooks");

        await Input(page, "#webhook-url", "gopher://hooks.example");
        await Click(page, "#add-webhook");
        page.Markup.Should().Contain("starts with https://");

        await Input(page, "#webhook-url", "https://hooks.example/alice");
        await Click(page, "#add-webhook");
        var secret = page.Find("#new-webhook-secret").TextContent;
        secret.Should().StartWith("whsec_");
        var hook = Choices.Load("alice").Webhooks.Should().ContainSingle().Subject;
        hook.Secret.Should().Be(secret);

        var outbox = new NotificationOutbox(data.Database);
        using (var writer = new Dashboard.Data.Writing.ClusterWriter(data.Database))
        {
            writer.Write([new NotificationQueued(
                new NewNotification("job:9:job.failed:1", "alice", NotificationKind.JobFailed, 9, "t", "b", "l", data.Clock.GetUtcNow(), true),
                [new OutboxDelivery(NotificationChannel.Webhook, hook.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))])]);
        }

        var due = outbox.Due(data.Clock.GetUtcNow(), 1).Single();
        outbox.MarkFailed(due.Id, "the endpoint answered 503 Service Unavailable", data.Clock.GetUtcNow().AddMinutes(1), data.Clock.GetUtcNow());

        var reopened = Render<NotificationPreferencesPage>();
        reopened.Markup.Should().NotContain(secret, "the secret is shown only when the webhook is made");
        reopened.Find(".webhook-row .webhook-status").TextContent.Should().Contain("failing: the endpoint answered 503 Service Unavailable").And.Contain("next try");

        await reopened.InvokeAsync(() => reopened.Find(".remove-webhook").Click());
        reopened.Find("#no-webhooks");
        Choices.Load("alice").Webhooks.Should().BeEmpty();
    }

    [Fact]
    public async Task Send_test_shows_the_endpoints_outcome_in_the_webhooks_row_and_a_second_click_at_once_is_held_back()
    {
        // This server sends no webhook to a private address (the default): such a URL is refused when added (below), and
        // one stored before (e.g. while an admin allowed private networks) is tested without sending anything.
        Choices.AddWebhook("alice", "http://127.0.0.1:9/hook", "whsec_test", data.Clock.GetUtcNow());
        var page = Render<NotificationPreferencesPage>();

        await Click(page, ".test-webhook");
        page.WaitForAssertion(() => page.Find(".webhook-test-result").TextContent.Should().StartWith("Not delivered: ").And.Contain("private-network address"));
        page.Find(".webhook-test-result").GetAttribute("role").Should().Be("status");

        await Click(page, ".test-webhook");
        page.WaitForAssertion(() => page.Find(".webhook-test-result").TextContent.Should().Be("Tested a moment ago: try again in 10 s."));
    }

    [Fact]
    public async Task A_webhook_to_a_loopback_address_is_refused_in_its_field_and_nothing_is_stored()
    {
        var page = Render<NotificationPreferencesPage>();
        await Input(page, "#webhook-url", "https://127.0.0.1:9/hook");
        await Click(page, "#add-webhook");

        page.WaitForAssertion(() => page.Find("#notification-preferences-page").TextContent.Should().Contain("127.0.0.1 is a loopback or private-network address"));
        page.FindAll("#new-webhook-secret").Should().BeEmpty();
        Choices.Load("alice").Webhooks.Should().BeEmpty();
    }
}
