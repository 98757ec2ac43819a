using System.Text.Json;
using Dashboard.Data.Notifications;
using Dashboard.Engine.Notifications;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using netDumbster.smtp;

namespace Dashboard.Engine.Tests.Notifications;

/// <summary>The delivery worker against a real SMTP server and a real HTTP receiver on loopback, on a fake clock.</summary>
public sealed class OutboxDeliveryWorkerTests : IDisposable
{
    private static readonly DeliveryOptions Delivery = new() { AttemptsPerRound = 3, RetryDelay = TimeSpan.FromSeconds(2), RoundDelay = TimeSpan.FromMinutes(1), Rounds = 3 };
    private readonly FakeTimeProvider clock = new(OutboxFixture.Start);
    private readonly OutboxFixture fixture;

    public OutboxDeliveryWorkerTests() => fixture = new OutboxFixture(clock);

    public void Dispose() => fixture.Dispose();

    [Fact]
    public async Task A_webhook_gets_a_signed_post_with_a_text_field_and_its_delivery_is_marked_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        const string secret = "whsec_test-secret";
        var hook = fixture.Choices.AddWebhook("alice", receiver.Url, secret, clock.GetUtcNow());
        var key = fixture.Queue(1, clock.GetUtcNow(), new OutboxDelivery(NotificationChannel.Webhook, hook.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var webhooks = new WebhookSender(new WebhookOptions { AllowPrivateNetworks = true }, clock);
        using var worker = Worker(webhooks);

        (await worker.DeliverDueAsync(TestContext.Current.CancellationToken)).Should().Be(1);
        (await worker.DeliverDueAsync(TestContext.Current.CancellationToken)).Should().Be(0, "a delivered row is not sent again");

        var post = receiver.Received.Should().ContainSingle().Subject;
        WebhookSignature.Verify(secret, post.Timestamp, post.Signature, post.Body, clock.GetUtcNow(), WebhookSignature.DefaultTolerance).Should().BeTrue();
        WebhookSignature.Verify("another secret", post.Timestamp, post.Signature, post.Body, clock.GetUtcNow(), WebhookSignature.DefaultTolerance).Should().BeFalse();
        WebhookSignature.Verify(secret, post.Timestamp, post.Signature, post.Body, clock.GetUtcNow().AddMinutes(10), WebhookSignature.DefaultTolerance).Should().BeFalse("an old timestamp is a replay");
        post.Delivery.Should().Be($"{key}/webhook:{hook}");
        using var json = JsonDocument.Parse(post.Body);
        json.RootElement.GetProperty("text").GetString().Should().Be("Job 1 \"train\" failed\nJob 1 \"train\" failed; exit code 1.\nhttps://dash.example/jobs/1");
        json.RootElement.GetProperty("event").GetString().Should().Be("job.failed");
        json.RootElement.GetProperty("id").GetString().Should().Be(post.Delivery);
        fixture.Outbox.Counts().Should().Be((1, 0));
    }

    [Fact]
    public async Task An_email_reaches_a_real_smtp_server_with_the_job_link()
    {
        using var smtp = SimpleSmtpServer.Start();
        fixture.Queue(2, clock.GetUtcNow(), new OutboxDelivery(NotificationChannel.Email, "alice@example.com"));
        var email = new EmailSender(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Configuration.Port, Security = SmtpSecurity.None, From = "Dashboard <dash@example.com>" });
        using var worker = Worker(email);

        (await worker.DeliverDueAsync(TestContext.Current.CancellationToken)).Should().Be(1);

        var mail = smtp.ReceivedEmail.Should().ContainSingle().Subject;
        mail.ToAddresses.Select(a => a.Address).Should().Equal("alice@example.com");
        mail.Headers["Subject"].Should().Be("Job 2 \"train\" failed");
        mail.MessageParts[0].BodyData.Should().Contain("exit code 1").And.Contain("https://dash.example/jobs/2");
        fixture.Outbox.Counts().Should().Be((1, 0));
    }

    [Fact]
    public async Task A_failing_endpoint_is_retried_with_backoff_on_the_clock_then_in_later_rounds_and_its_error_is_shown()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => Task.FromResult(503);
        var hook = fixture.Choices.AddWebhook("alice", receiver.Url, "s", clock.GetUtcNow());
        fixture.Queue(3, clock.GetUtcNow(), new OutboxDelivery(NotificationChannel.Webhook, hook.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var webhooks = new WebhookSender(new WebhookOptions { AllowPrivateNetworks = true }, clock);
        var advancing = new AdvancingClock(clock);
        using var worker = new OutboxDeliveryWorker(fixture.Outbox, [webhooks], Delivery, advancing, NullLogger<OutboxDeliveryWorker>.Instance);

        (await worker.DeliverDueAsync(TestContext.Current.CancellationToken)).Should().Be(0);

        advancing.Waits.Should().Equal(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        receiver.Received.Should().HaveCount(3, "three attempts in the round");
        var status = fixture.Outbox.FailingEndpointsOf("alice").Should().ContainSingle().Subject;
        status.LastError.Should().Contain("503");
        status.NextAttemptAt.Should().Be(clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        fixture.Outbox.FailingEndpointsOf("bob").Should().BeEmpty("a person sees only their own endpoints");

        (await worker.DeliverDueAsync(TestContext.Current.CancellationToken)).Should().Be(0, "the next round is not due yet");
        receiver.Received.Should().HaveCount(3);

        receiver.Answer = number => Task.FromResult(number == 4 ? 500 : 200);
        advancing.ClearWaits();
        clock.Advance(TimeSpan.FromMinutes(1));
        (await worker.DeliverDueAsync(TestContext.Current.CancellationToken)).Should().Be(1);
        receiver.Received.Should().HaveCount(5);
        advancing.Waits.Should().Equal([TimeSpan.FromSeconds(2)], "the round's second attempt got through");
        receiver.Received.Select(r => r.Delivery).Distinct().Should().ContainSingle("every retry carries the same idempotency key");
        fixture.Outbox.FailingEndpointsOf("alice").Should().BeEmpty();
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_given_up_after_its_rounds_with_doubling_waits()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => Task.FromResult(500);
        var hook = fixture.Choices.AddWebhook("alice", receiver.Url, "s", clock.GetUtcNow());
        fixture.Queue(4, clock.GetUtcNow(), new OutboxDelivery(NotificationChannel.Webhook, hook.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var webhooks = new WebhookSender(new WebhookOptions { AllowPrivateNetworks = true }, clock);
        using var worker = Worker(webhooks, new DeliveryOptions { AttemptsPerRound = 1, RoundDelay = TimeSpan.FromMinutes(1), Rounds = 3 });

        await worker.DeliverDueAsync(TestContext.Current.CancellationToken);
        fixture.Outbox.NextDue().Should().Be(clock.GetUtcNow() + TimeSpan.FromMinutes(1));
        clock.Advance(TimeSpan.FromMinutes(1));
        await worker.DeliverDueAsync(TestContext.Current.CancellationToken);
        fixture.Outbox.NextDue().Should().Be(clock.GetUtcNow() + TimeSpan.FromMinutes(2));
        clock.Advance(TimeSpan.FromMinutes(2));
        await worker.DeliverDueAsync(TestContext.Current.CancellationToken);

        fixture.Outbox.NextDue().Should().BeNull("given up after 3 rounds");
        fixture.Outbox.FailingEndpointsOf("alice").Should().ContainSingle().Which.GivenUp.Should().BeTrue();
        receiver.Received.Should().HaveCount(3);
    }

    [Fact]
    public async Task A_removed_webhook_and_a_private_address_are_given_up_at_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var removed = fixture.Choices.AddWebhook("alice", receiver.Url, "s", clock.GetUtcNow());
        fixture.Choices.RemoveWebhook("alice", removed, clock.GetUtcNow()).Should().BeTrue();
        var loopback = fixture.Choices.AddWebhook("alice", receiver.Url, "s", clock.GetUtcNow());
        fixture.Queue(5, clock.GetUtcNow(), new OutboxDelivery(NotificationChannel.Webhook, removed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        fixture.Queue(6, clock.GetUtcNow(), new OutboxDelivery(NotificationChannel.Webhook, loopback.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var webhooks = new WebhookSender(new WebhookOptions(), clock);
        using var worker = Worker(webhooks);

        (await worker.DeliverDueAsync(TestContext.Current.CancellationToken)).Should().Be(0);

        receiver.Received.Should().BeEmpty("nothing is sent to a removed webhook or to a loopback address");
        var failing = fixture.Outbox.FailingEndpointsOf("alice");
        failing.Should().HaveCount(2).And.OnlyContain(s => s.GivenUp);
        failing.Select(s => s.LastError).Should().Contain("the webhook was removed").And.Contain(e => e.Contains("private-network", StringComparison.Ordinal));
    }

    private OutboxDeliveryWorker Worker(INotificationSender sender, DeliveryOptions? options = null) =>
        new(fixture.Outbox, [sender], options ?? Delivery, clock, NullLogger<OutboxDeliveryWorker>.Instance);
}
