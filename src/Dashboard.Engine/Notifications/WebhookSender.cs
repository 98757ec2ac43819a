using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Dashboard.Data.Notifications;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// Sends a notification as a JSON POST: a Slack- and Teams-compatible <c>text</c> field plus the fields for programs,
/// signed (<see cref="WebhookSignature"/>), with the delivery's idempotency key in <c>X-Dashboard-Delivery</c> (the
/// same on every retry, so a receiver can drop a repeat). Redirects are not followed; private addresses are refused
/// unless allowed (<see cref="WebhookOptions.AllowPrivateNetworks"/>). Any answer but 2xx is a failure.
/// </summary>
public sealed class WebhookSender : INotificationSender, IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient client;
    private readonly WebhookOptions options;
    private readonly TimeProvider time;

    public WebhookSender(WebhookOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.time = time;
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (!options.AllowPrivateNetworks)
        {
            handler.ConnectCallback = ConnectToPublicAddressAsync;
        }

        client = new HttpClient(handler) { Timeout = options.Timeout };
    }

    public NotificationChannel Channel => NotificationChannel.Webhook;

    /// <summary>The <c>event</c> of a test delivery (<see cref="SendTestAsync"/>).</summary>
    public const string TestEvent = "test";

    /// <summary>The JSON body of a delivery.</summary>
    public static byte[] BodyOf(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return BodyOf(message.IdempotencyKey, NotificationNames.Of(message.Kind), message.Title, message.Body, message.Link, message.Job, message.Recipient, message.CreatedAt);
    }

    public async Task SendAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.WebhookUrl is null || message.WebhookSecret is null)
        {
            throw new UndeliverableException("the webhook was removed");
        }

        await PostAsync(message.WebhookUrl, message.WebhookSecret, message.IdempotencyKey, BodyOf(message), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends a test POST to <paramref name="url"/> now, signed with <paramref name="secret"/> like every delivery, with
    /// <c>event</c> "test" (not through the outbox: nothing is stored or retried). Throws as <see cref="SendAsync"/> does.
    /// </summary>
    public Task SendTestAsync(string url, string secret, string user, string link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(secret);
        var key = "test-" + Guid.NewGuid().ToString("N");
        var body = BodyOf(key, TestEvent, "Test from Compute Dashboard", $"{user} sent this test from the notification preferences.", link, null, user, time.GetUtcNow());
        return PostAsync(url, secret, key, body, cancellationToken);
    }

    private static byte[] BodyOf(string key, string eventName, string title, string body, string link, long? job, string user, DateTimeOffset createdAt) =>
        JsonSerializer.SerializeToUtf8Bytes(new
        {
            id = key,
            @event = eventName,
            text = $"{title}\n{body}\n{link}",
            title,
            body,
            link,
            job,
            user,
            createdAt,
        }, Json);

    private async Task PostAsync(string url, string secret, string key, byte[] body, CancellationToken cancellationToken)
    {
        if (WebhookAddress.Problem(url, options) is { } problem)
        {
            throw new UndeliverableException(problem);
        }

        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Sign(secret, timestamp, body));
        request.Headers.Add(WebhookSignature.DeliveryHeader, key);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("ComputeDashboard", "1"));
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"the endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
            }
        }
        catch (HttpRequestException error) when (error.InnerException is UndeliverableException refused)
        {
            throw new UndeliverableException(refused.Message);
        }
        catch (TaskCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the endpoint did not answer within {options.Timeout.TotalSeconds:0} s", error);
        }
    }

    public void Dispose() => client.Dispose();

    private static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await System.Net.Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        if (addresses.Length == 0 || addresses.Any(WebhookAddress.IsPrivate))
        {
            throw new UndeliverableException($"{context.DnsEndPoint.Host} is a loopback or private-network address; this server does not send webhooks there (Notifications:Webhooks:AllowPrivateNetworks)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
