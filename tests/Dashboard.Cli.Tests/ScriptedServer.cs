using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace Dashboard.Cli.Tests;

/// <summary>
/// Stands in for the dashboard where a test must decide each answer, and when it comes: every request dash sends waits
/// in a queue until the test answers it. For the paths the real server never takes on its own (a follow closed before
/// the job ended, a server that goes away mid-follow); everything else is tested against the real server.
/// </summary>
public sealed class ScriptedServer : HttpMessageHandler
{
    public static readonly Uri Address = new("http://dashboard.test:5080/");

    private readonly Channel<AskedRequest> asked = Channel.CreateUnbounded<AskedRequest>();

    /// <summary>The next request dash sends (waiting for it, within the tests' patience).</summary>
    public async Task<AskedRequest> NextAsync() =>
        await asked.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    /// <summary>Whether a request has been sent that the test has not taken yet.</summary>
    public bool HasUnanswered => asked.Reader.TryPeek(out _);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var waiting = new AskedRequest(request);
        asked.Writer.TryWrite(waiting);
        return waiting.Answer.Task.WaitAsync(cancellationToken);
    }
}

/// <summary>One request dash sent to a <see cref="ScriptedServer"/>, answered once by the test.</summary>
public sealed class AskedRequest(HttpRequestMessage request)
{
    internal TaskCompletionSource<HttpResponseMessage> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public HttpMethod Method => request.Method;

    /// <summary>The path and query, e.g. <c>/api/v1/jobs/7/logs?offset=0&amp;follow=true</c>.</summary>
    public string Path => request.RequestUri!.PathAndQuery;

    public string? Token => request.Headers.Authorization?.Parameter;

    public void Text(string body) =>
        Answer.SetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/plain") });

    public void Json(string json) =>
        Answer.SetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    /// <summary>Answers as a server that is not there: the connection is refused.</summary>
    public void Refuse() =>
        Answer.SetException(new HttpRequestException("Connection refused (dashboard.test:5080)", new SocketException((int)SocketError.ConnectionRefused)));
}
