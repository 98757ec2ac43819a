using System.Collections.Concurrent;
using System.Net;
using Dashboard.Engine.Notifications;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Tests.Notifications;

/// <summary>A webhook POST as the receiver got it.</summary>
internal sealed record ReceivedWebhook(int Number, string? Delivery, string? Timestamp, string? Signature, byte[] Body);

/// <summary>
/// A real HTTP server (Kestrel, loopback, a free port) that records every POST to /hook. <see cref="Answer"/> decides
/// each answer from the request's number (1, 2, ...): a status code, or a task that never completes to hold a request open.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private readonly List<(int Count, TaskCompletionSource<ReceivedWebhook> Waiter)> waiters = [];
    private readonly Lock gate = new();
    private int count;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Func<int, Task<int>> Answer { get; set; } = _ => Task.FromResult(200);

    public string Url { get; private set; } = "";

    public IReadOnlyList<ReceivedWebhook> Received => [.. received.OrderBy(r => r.Number)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    /// <summary>Completes with the <paramref name="number"/>th request once it has arrived.</summary>
    public Task<ReceivedWebhook> WaitForRequestAsync(int number)
    {
        lock (gate)
        {
            var done = received.FirstOrDefault(r => r.Number == number);
            if (done is not null)
            {
                return Task.FromResult(done);
            }

            var waiter = new TaskCompletionSource<ReceivedWebhook>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((number, waiter));
            return waiter.Task.WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        ReceivedWebhook request;
        lock (gate)
        {
            request = new ReceivedWebhook(
                ++count,
                context.Request.Headers[WebhookSignature.DeliveryHeader].ToString(),
                context.Request.Headers[WebhookSignature.TimestampHeader].ToString(),
                context.Request.Headers[WebhookSignature.SignatureHeader].ToString(),
                body.ToArray());
            received.Enqueue(request);
            foreach (var (number, waiter) in waiters.Where(w => w.Count == request.Number).ToList())
            {
                waiter.TrySetResult(request);
            }
        }

        context.Response.StatusCode = await Answer(request.Number).WaitAsync(context.RequestAborted);
    }
}
