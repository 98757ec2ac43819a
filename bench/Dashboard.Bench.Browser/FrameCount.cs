using Microsoft.Playwright;

namespace Dashboard.Bench.Browser;

/// <summary>
/// The WebSocket frames of every page of a context, as Playwright reports them (`--circuits`): each is one event from
/// Playwright's driver to this process, which the driver sends whether or not anyone listens.
/// </summary>
public sealed class FrameCount
{
    private long _sent;
    private long _received;
    private long _sentBytes;
    private long _receivedBytes;

    public readonly record struct Totals(long Sent, long Received, long SentBytes, long ReceivedBytes)
    {
        public static Totals operator -(Totals a, Totals b) => new(a.Sent - b.Sent, a.Received - b.Received, a.SentBytes - b.SentBytes, a.ReceivedBytes - b.ReceivedBytes);
    }

    public Totals Now() => new(Interlocked.Read(ref _sent), Interlocked.Read(ref _received), Interlocked.Read(ref _sentBytes), Interlocked.Read(ref _receivedBytes));

    /// <summary>Counts the frames of every page the context opens from now on.</summary>
    public void Watch(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Page += (_, page) => page.WebSocket += (_, socket) =>
        {
            socket.FrameSent += (_, frame) => Count(ref _sent, ref _sentBytes, frame);
            socket.FrameReceived += (_, frame) => Count(ref _received, ref _receivedBytes, frame);
        };
    }

    private static void Count(ref long frames, ref long bytes, IWebSocketFrame frame)
    {
        Interlocked.Increment(ref frames);
        Interlocked.Add(ref bytes, frame.Binary?.Length ?? frame.Text?.Length ?? 0);
    }
}
