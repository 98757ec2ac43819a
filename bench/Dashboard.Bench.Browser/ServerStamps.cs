using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Bench.Browser;

/// <summary>
/// Server-side wall-clock stamps for the latency split, taken where Blazor Server's messages pass its SignalR hub
/// protocol (bench only: the protocol is wrapped in the bench's host): when each circuit's render batch
/// (<c>JS.RenderBatch</c>) is written to its connection, and when the browser's acknowledgement that it applied a batch
/// (<c>OnRenderCompleted</c>) is read. Same clock as the pages' MutationObserver stamps (this machine's wall clock).
/// </summary>
public sealed class ServerStamps
{
    private readonly ConcurrentQueue<double> batchesWritten = new();
    private readonly ConcurrentQueue<double> batchesAcknowledged = new();
    private readonly ConcurrentDictionary<string, long> messages = new();

    /// <summary>SignalR messages through the hub protocol so far, by direction and kind ("to browser JS.RenderBatch", "from browser OnRenderCompleted", "to browser ping" ...).</summary>
    public IReadOnlyDictionary<string, long> Messages() => new Dictionary<string, long>(messages);

    private void Count(string direction, HubMessage message)
    {
        var kind = message switch
        {
            InvocationMessage invocation => invocation.Target,
            PingMessage => "ping",
            CompletionMessage => "completion",
            _ => message.GetType().Name,
        };
        messages.AddOrUpdate($"{direction} {kind}", 1, (_, n) => n + 1);
    }

    /// <summary>Wall clock in Unix milliseconds with the sub-millisecond part, as the pages' stamps.</summary>
    public static double Now()
    {
        var now = DateTimeOffset.UtcNow;
        return now.ToUnixTimeMilliseconds() + (now.Ticks % TimeSpan.TicksPerMillisecond / (double)TimeSpan.TicksPerMillisecond);
    }

    /// <summary>Wraps Blazor's hub protocol ("blazorpack") in <paramref name="services"/> so that it stamps here.</summary>
    public void Install(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var blazorPack = services.Single(d => d.ServiceType == typeof(IHubProtocol) && d.ImplementationType?.Name == "BlazorPackHubProtocol");
        services.Remove(blazorPack);
        services.AddSingleton<IHubProtocol>(provider =>
            new Stamping((IHubProtocol)ActivatorUtilities.CreateInstance(provider, blazorPack.ImplementationType!), this));
    }

    /// <summary>Render batches written from <paramref name="from"/> (inclusive) up to <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<double> WrittenBetween(double from, double to) => [.. batchesWritten.Where(t => t >= from && t <= to).Order()];

    /// <summary>Browser acknowledgements read from <paramref name="from"/> (inclusive) up to <paramref name="to"/>, oldest first.</summary>
    public IReadOnlyList<double> AcknowledgedBetween(double from, double to) => [.. batchesAcknowledged.Where(t => t >= from && t <= to).Order()];

    private sealed class Stamping(IHubProtocol inner, ServerStamps stamps) : IHubProtocol
    {
        public string Name => inner.Name;

        public int Version => inner.Version;

        public TransferFormat TransferFormat => inner.TransferFormat;

        public bool IsVersionSupported(int version) => inner.IsVersionSupported(version);

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message)
        {
            var parsed = inner.TryParseMessage(ref input, binder, out message);
            if (parsed)
            {
                stamps.Count("from browser", message!);
            }

            if (parsed && message is InvocationMessage { Target: "OnRenderCompleted" })
            {
                stamps.batchesAcknowledged.Enqueue(Now());
            }

            return parsed;
        }

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output)
        {
            Stamp(message);
            inner.WriteMessage(message, output);
        }

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message)
        {
            Stamp(message);
            return inner.GetMessageBytes(message);
        }

        private void Stamp(HubMessage message)
        {
            stamps.Count("to browser", message);
            if (message is InvocationMessage { Target: "JS.RenderBatch" })
            {
                stamps.batchesWritten.Enqueue(Now());
            }
        }
    }
}
