using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Engine.Notifications;
using Dashboard.Web.Tests.Api;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Web.Tests.Notifications;

/// <summary>
/// "Send test" on a webhook, through the real API and a real receiver on loopback: the same signed POST as a delivery,
/// with event "test", sent at once; the answer says whether the endpoint took it and why not; one test per webhook
/// every 10 s; only the webhook's owner can test it.
/// </summary>
public sealed class WebhookTestSendTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Start);
    private LoopbackWebhookReceiver receiver = null!;
    private ApiHost host = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        receiver = await LoopbackWebhookReceiver.StartAsync(Cancel);
        host = new ApiHost(new DashboardFactory
        {
            Clock = clock,
            Settings = new Dictionary<string, string> { ["Notifications:Webhooks:AllowPrivateNetworks"] = "true" },
        });
        await host.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await host.DisposeAsync();
        await receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_test_reaches_the_endpoint_signed_and_a_failing_endpoint_is_reported_with_its_answer()
    {
        var alice = host.As("alice");
        var hook = await AddAsync(alice, receiver.Url);

        var sent = await TestAsync(alice, hook.Id, HttpStatusCode.OK);
        sent.Delivered.Should().BeTrue(sent.Detail);
        var post = receiver.Received.Should().ContainSingle().Subject;
        post.Event.Should().Be("test");
        post.Delivery.Should().StartWith("test-");
        WebhookSignature.Verify(hook.Secret, post.Timestamp, post.Signature, post.Body, clock.GetUtcNow(), WebhookSignature.DefaultTolerance).Should().BeTrue("a test is signed like every delivery");

        receiver.Answer = 500;
        clock.Advance(TimeSpan.FromSeconds(10));
        var failed = await TestAsync(alice, hook.Id, HttpStatusCode.OK);
        failed.Delivered.Should().BeFalse();
        failed.Detail.Should().Contain("500");
        receiver.Received.Should().HaveCount(2);

        var preferences = (await alice.GetFromJsonAsync<NotificationPreferencesView>(NotificationRoutes.Preferences, Cancel))!;
        preferences.Webhooks.Single(w => w.Id == hook.Id).LastError.Should().BeNull("a test is not a delivery: nothing is stored or retried");
    }

    [Fact]
    public async Task A_second_test_within_ten_seconds_is_refused_with_retry_after_and_sends_nothing()
    {
        var alice = host.As("alice");
        var hook = await AddAsync(alice, receiver.Url);
        (await TestAsync(alice, hook.Id, HttpStatusCode.OK)).Delivered.Should().BeTrue();

        clock.Advance(TimeSpan.FromSeconds(4));
        using (var again = await alice.PostAsync(NotificationRoutes.WebhookTest(hook.Id), null, Cancel))
        {
            again.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
            again.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(6));
        }

        receiver.Received.Should().ContainSingle("the refused test sent nothing");
        clock.Advance(TimeSpan.FromSeconds(6));
        (await TestAsync(alice, hook.Id, HttpStatusCode.OK)).Delivered.Should().BeTrue();
        receiver.Received.Should().HaveCount(2);
    }

    [Fact]
    public async Task Only_the_owner_tests_a_webhook_and_an_endpoint_that_does_not_answer_is_reported()
    {
        var alice = host.As("alice");
        var hook = await AddAsync(alice, receiver.Url);
        using (var bobs = await host.As("bob").PostAsync(NotificationRoutes.WebhookTest(hook.Id), null, Cancel))
        {
            bobs.StatusCode.Should().Be(HttpStatusCode.NotFound, "another person's webhook is not there for bob");
        }

        using (var admins = await host.As("admin").PostAsync(NotificationRoutes.WebhookTest(hook.Id), null, Cancel))
        {
            admins.StatusCode.Should().Be(HttpStatusCode.NotFound, "nor for an admin: webhooks are personal");
        }

        using (var anonymous = await host.As("").PostAsync(NotificationRoutes.WebhookTest(hook.Id), null, Cancel))
        {
            anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }

        receiver.Received.Should().BeEmpty();

        // A port nobody listens on: the test answers with the network's error, not a server error.
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var dead = await AddAsync(alice, $"http://127.0.0.1:{port}/hook");
        var result = await TestAsync(alice, dead.Id, HttpStatusCode.OK);
        result.Delivered.Should().BeFalse();
        result.Detail.Should().StartWith("Not delivered: ");
    }

    private static async Task<CreatedWebhookView> AddAsync(HttpClient client, string address)
    {
        using var response = await client.PostAsJsonAsync(NotificationRoutes.Webhooks, new NewWebhookRequest(address), Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<CreatedWebhookView>(Cancel))!;
    }

    private static async Task<WebhookTestView> TestAsync(HttpClient client, long id, HttpStatusCode expected)
    {
        using var response = await client.PostAsync(NotificationRoutes.WebhookTest(id), null, Cancel);
        response.StatusCode.Should().Be(expected, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<WebhookTestView>(Cancel))!;
    }
}
