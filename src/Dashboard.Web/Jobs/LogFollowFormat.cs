using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Dashboard.Web.Jobs;

/// <summary>
/// How a followed log is written. <see cref="PlainText"/> (the default, and what <c>dash logs -f</c> and curl read):
/// the log's bytes and nothing else, so it has no way to send a keep-alive without changing the log; its status and
/// headers go out at once. <see cref="ServerSentEvents"/> (asked with <c>Accept: text/event-stream</c>): each piece of
/// output is an event <c>log</c> whose data is the text as a JSON string and whose id is the byte offset to continue
/// from; a comment line <c>: keep-alive</c> goes out while the job is quiet; an event <c>end</c> closes the stream
/// once the job has ended and everything is sent.
/// </summary>
public abstract class LogFollowFormat
{
    public const string EventStream = "text/event-stream";

    public static LogFollowFormat For(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asksForEvents = request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(EventStream, StringComparison.OrdinalIgnoreCase));
        return asksForEvents ? new ServerSentEvents() : new PlainText();
    }

    public abstract string ContentType { get; }

    /// <summary>Whether the format can carry a keep-alive that is not part of the log.</summary>
    public abstract bool KeepsAlive { get; }

    public abstract ValueTask WriteOutputAsync(Stream body, ReadOnlyMemory<byte> bytes, long nextOffset, CancellationToken cancel);

    public abstract ValueTask WriteKeepAliveAsync(Stream body, CancellationToken cancel);

    public abstract ValueTask WriteEndAsync(Stream body, CancellationToken cancel);

    private sealed class PlainText : LogFollowFormat
    {
        public override string ContentType => "text/plain; charset=utf-8";

        public override bool KeepsAlive => false;

        public override ValueTask WriteOutputAsync(Stream body, ReadOnlyMemory<byte> bytes, long nextOffset, CancellationToken cancel) => body.WriteAsync(bytes, cancel);

        public override ValueTask WriteKeepAliveAsync(Stream body, CancellationToken cancel) => ValueTask.CompletedTask;

        public override ValueTask WriteEndAsync(Stream body, CancellationToken cancel) => ValueTask.CompletedTask;
    }

    private sealed class ServerSentEvents : LogFollowFormat
    {
        private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();
        private static readonly byte[] End = "event: end\ndata: {}\n\n"u8.ToArray();

        // Output is cut into pieces at byte offsets that may split a character: the decoder keeps the incomplete bytes for the next piece.
        private readonly Decoder decoder = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();

        public override string ContentType => EventStream;

        public override bool KeepsAlive => true;

        public override ValueTask WriteOutputAsync(Stream body, ReadOnlyMemory<byte> bytes, long nextOffset, CancellationToken cancel)
        {
            var chars = new char[decoder.GetCharCount(bytes.Span, flush: false)];
            var count = decoder.GetChars(bytes.Span, chars, flush: false);
            var text = new string(chars, 0, count);
            var frame = string.Create(CultureInfo.InvariantCulture, $"event: log\nid: {nextOffset}\ndata: {JsonSerializer.Serialize(text)}\n\n");
            return body.WriteAsync(Encoding.UTF8.GetBytes(frame), cancel);
        }

        public override ValueTask WriteKeepAliveAsync(Stream body, CancellationToken cancel) => body.WriteAsync(KeepAlive, cancel);

        public override ValueTask WriteEndAsync(Stream body, CancellationToken cancel) => body.WriteAsync(End, cancel);
    }
}
