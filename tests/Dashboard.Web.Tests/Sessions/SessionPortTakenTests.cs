using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dashboard.Api.Contracts;
using Dashboard.Engine.Sessions;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>
/// A session's loopback port taken by a process outside the session (here a plain child of the test, standing for
/// another user's job on the node), against real jobs of a real dashboard: taken before the session's server listens,
/// the health watch never calls it ready and sends it nothing; taken after the session's server let go of it, the
/// proxy answers 502 and sends it nothing (no cookie, no token). The session's own server is reached as before.
/// </summary>
public sealed class SessionPortTakenTests(SessionHost host) : IClassFixture<SessionHost>
{
    /// <summary>Listens on the port as the session's server would, and answers twice (the health check, then one request through the proxy), then lets go of it and stays.</summary>
    private const string AnswerTwiceThenLetGo =
        "exec python3 -c 'import os,socket,time\n" +
        "s=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1);s.bind((\"127.0.0.1\",int(os.environ[\"PORT\"])));s.listen()\n" +
        "for _ in range(2):\n" +
        " c,_=s.accept();c.recv(65536);c.sendall(b\"HTTP/1.1 200 OK\\r\\nContent-Length: 13\\r\\nConnection: close\\r\\n\\r\\nsessions-own!\");c.close()\n" +
        "s.close();time.sleep(600)'";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_port_taken_before_the_sessions_server_listens_is_never_called_ready_and_is_sent_nothing()
    {
        // A server that has not listened yet (the moment between the port's pick and the server's start).
        var session = await host.StartAsync("alice", new SessionStartRequest("web", "vision", 0, "30m", "exec sleep 600"));
        var endpoint = await EndpointAsync(session.Id);
        using var outsider = await Outsider.StartAsync(endpoint.Port);

        await UntilAsync(() => endpoint.ListenerProblem is not null);
        var alice = await host.BrowserAsync("alice");
        using var throughProxy = await alice.GetAsync(new Uri(session.Url, UriKind.Relative), Cancel);
        var page = await alice.GetStringAsync(new Uri($"/sessions/{session.Id}", UriKind.Relative), Cancel);

        endpoint.ListenerProblem.Should().StartWith($"port {endpoint.Port} is held by a process outside this session");
        (await host.ReadAsync("alice", session.Id)).Status.Should().Be("starting", "a port answered by someone else is not the session's server");
        throughProxy.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        page.Should().Contain($"port {endpoint.Port} is held by a process outside this session", "the session's page says why it does not become ready");
        outsider.Received.Should().BeEmpty("neither the health check (with the session's token) nor the owner's browser ever reached it");
    }

    [Fact]
    public async Task A_port_taken_after_the_sessions_server_let_go_gets_502_and_nothing_of_the_owners()
    {
        var session = await host.StartAsync("alice", new SessionStartRequest("web", "vision", 0, "30m", AnswerTwiceThenLetGo));
        session = await host.ReadyAsync("alice", session.Id);
        session.Status.Should().Be("ready");
        var endpoint = host.Endpoints.Find(new(session.Id))!;
        var alice = await host.BrowserAsync("alice");

        var own = await alice.GetStringAsync(new Uri(session.Url, UriKind.Relative), Cancel);
        await UntilAsync(() => ListeningSockets.On(endpoint.Port) is { Count: 0 });
        using var outsider = await Outsider.StartAsync(endpoint.Port);
        using var taken = await alice.GetAsync(new Uri(session.Url + "secret?x=1", UriKind.Relative), Cancel);
        var body = await taken.Content.ReadAsStringAsync(Cancel);

        own.Should().Be("sessions-own!", "the session's own listener is reached through the guard");
        taken.StatusCode.Should().Be(HttpStatusCode.BadGateway);
        body.Should().Contain($"port {endpoint.Port} is held by a process outside this session").And.Contain("nothing was sent to it").And.NotContain("outsiders-page");
        outsider.Received.Should().BeEmpty("the owner's request, cookies and the session's token never reach it");
        endpoint.ListenerProblem.Should().NotBeNull("the session's page shows why it cannot be reached");
    }

    private async Task<SessionEndpoint> EndpointAsync(long id)
    {
        await UntilAsync(() => host.Endpoints.Find(new(id)) is not null);
        return host.Endpoints.Find(new(id))!;
    }

    /// <summary>Waits (bounded by <see cref="SessionHost.Patience"/>) for what the health watch or the job does on its own clock.</summary>
    private static async Task UntilAsync(Func<bool> reached)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        patience.CancelAfter(SessionHost.Patience);
        while (!reached())
        {
            await timer.WaitForNextTickAsync(patience.Token);
        }
    }

    /// <summary>A plain process of the test listening on a port it did not get from the dashboard; it serves a page and keeps every byte it is sent.</summary>
    private sealed class Outsider : IDisposable
    {
        private const string Script = """
            import os, socket, sys, threading
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(('127.0.0.1', int(sys.argv[1])))
            s.listen()
            print('listening', flush=True)
            def leave():
                sys.stdin.read()
                os._exit(0)
            threading.Thread(target=leave, daemon=True).start()
            while True:
                c, _ = s.accept()
                data = c.recv(65536)
                with open(sys.argv[2], 'ab') as log:
                    log.write(data)
                c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: 14\r\nConnection: close\r\n\r\noutsiders-page')
                c.close()
            """;

        private readonly Process process;
        private readonly string log;

        private Outsider(Process process, string log)
        {
            this.process = process;
            this.log = log;
        }

        public string Received => File.Exists(log) ? File.ReadAllText(log) : "";

        public static async Task<Outsider> StartAsync(int port)
        {
            var log = Path.Combine(Path.GetTempPath(), $"port35-outsider-{Guid.NewGuid():N}.log");
            var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(Script);
            start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add(log);
            var process = Process.Start(start)!;
            (await process.StandardOutput.ReadLineAsync(Cancel)).Should().Be("listening", $"the outsider takes port {port}");
            return new Outsider(process, log);
        }

        public void Dispose()
        {
            process.StandardInput.Close();
            if (!process.WaitForExit(5000))
            {
                process.Kill();
                process.WaitForExit();
            }

            process.Dispose();
            File.Delete(log);
        }
    }
}
