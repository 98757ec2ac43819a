using System.Diagnostics;
using System.Globalization;

namespace Dashboard.Engine.Tests.Sessions;

/// <summary>
/// A real listener for the tests: <c>sh</c> (the root of its process tree, as a job's supervisor is) runs
/// <c>python3</c>, which listens on 127.0.0.1, tells its port on standard output and answers every connection with a
/// 200 whose body is <c>served-by-{pid}</c>; it ends when the test closes its standard input (or kills it). With
/// <c>reusePort</c> the socket sets SO_REUSEPORT, so a second one can share the port.
/// </summary>
public sealed class ListeningChild : IDisposable
{
    private const string Script = """
        import os, socket, sys, threading
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if sys.argv[2] == '1':
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(('127.0.0.1', int(sys.argv[1])))
        s.listen()
        print(s.getsockname()[1], os.getpid(), flush=True)
        def leave():
            sys.stdin.read()
            os._exit(0)
        threading.Thread(target=leave, daemon=True).start()
        body = ('served-by-%d' % os.getpid()).encode()
        while True:
            c, _ = s.accept()
            c.recv(65536)
            c.sendall(b'HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n' % len(body) + body)
            c.close()
        """;

    private readonly Process shell;

    private ListeningChild(Process shell, int port, int listenerPid)
    {
        this.shell = shell;
        Port = port;
        ListenerPid = listenerPid;
    }

    /// <summary>The pid of the <c>sh</c> at the root of the tree.</summary>
    public int RootPid => shell.Id;

    /// <summary>The pid of the python process that holds the listening socket.</summary>
    public int ListenerPid { get; }

    public int Port { get; }

    /// <summary>
    /// Starts one listening on <paramref name="port"/> (0: any free port). With <paramref name="joinProcsFile"/> the
    /// shell first writes itself into that cgroup.procs file, as a job's supervisor's subshell does.
    /// </summary>
    public static async Task<ListeningChild> StartAsync(int port = 0, bool reusePort = false, string? joinProcsFile = null)
    {
        var start = new ProcessStartInfo("sh") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        // Not exec: the shell stays the parent, so the listener is a child of the tree's root.
        start.ArgumentList.Add((joinProcsFile is null ? "" : "echo $$ > \"$3\" || exit 1; ") + "python3 -c \"$0\" \"$1\" \"$2\"; :");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(port.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add(reusePort ? "1" : "0");
        start.ArgumentList.Add(joinProcsFile ?? "");
        var shell = Process.Start(start)!;
        var line = await shell.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        if (line is null)
        {
            shell.Kill(entireProcessTree: true);
            shell.Dispose();
            throw new InvalidOperationException($"the listener on port {port} did not start (taken?)");
        }

        var fields = line.Split(' ');
        return new ListeningChild(shell, int.Parse(fields[0], CultureInfo.InvariantCulture), int.Parse(fields[1], CultureInfo.InvariantCulture));
    }

    public void Dispose()
    {
        try
        {
            shell.StandardInput.Close();
            if (!shell.WaitForExit(5000))
            {
                shell.Kill(entireProcessTree: true);
                shell.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        shell.Dispose();
    }
}
