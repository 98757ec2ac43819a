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

namespace Dashboard.Web.Tests.Notifications;

/// <summary>A webhook POST as the receiver got it: its signature headers and body.</summary>
public sealed record ReceivedPost(string? Signature, string? Timestamp, string? Delivery, byte[] Body)
{
    /// <summary>The body's <c>event</c> field.</summary>
    public string? Event
    {
        get
        {
            using var json = System.Text.Json.JsonDocument.Parse(Body);
            return json.RootElement.GetProperty("event").GetString();
        }
    }
}

/// <summary>
/// A real HTTP server (Kestrel on loopback, a free port) that records every POST to <see cref="Url"/> and answers each
/// with <see cref="Answer"/>; <see cref="FirstArrived"/> completes with the first.
/// </summary>
public sealed class LoopbackWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly TaskCompletionSource firstArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<ReceivedPost> received = new();

    private LoopbackWebhookReceiver(WebApplication app) => this.app = app;

    public string Url { get; private set; } = "";

    /// <summary>The status code every POST gets (200 unless set).</summary>
    public int Answer { get; set; } = StatusCodes.Status200OK;

    public IReadOnlyCollection<ReceivedPost> Received => received;

    public Task FirstArrived => firstArrived.Task;

    public static async Task<LoopbackWebhookReceiver> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var receiver = new LoopbackWebhookReceiver(builder.Build());
        receiver.app.MapPost("/hook", (Func<HttpContext, Task<IResult>>)receiver.TakeAsync);
        await receiver.app.StartAsync(cancellationToken);
        receiver.Url = receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/') + "/hook";
        return receiver;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    private async Task<IResult> TakeAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var headers = context.Request.Headers;
        received.Enqueue(new ReceivedPost(headers[WebhookSignature.SignatureHeader], headers[WebhookSignature.TimestampHeader], headers[WebhookSignature.DeliveryHeader], body.ToArray()));
        firstArrived.TrySetResult();
        return Results.StatusCode(Answer);
    }
}
