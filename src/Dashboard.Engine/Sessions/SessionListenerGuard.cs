using System.Net;
using System.Net.Sockets;

namespace Dashboard.Engine.Sessions;

/// <summary>Thrown instead of connecting when a session's port is held by a process outside the session: nothing was sent.</summary>
public sealed class SessionListenerRefusedException(string reason) : IOException(reason)
{
    public string Reason { get; } = reason;

    /// <summary>The refusal inside <paramref name="error"/> (an HttpRequestException wraps it), or null.</summary>
    public static SessionListenerRefusedException? In(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SessionListenerRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }
}

/// <summary>
/// Makes every new connection to a session's server (the proxy's and the health watch's) go to the session's own
/// listener: the request carries its <see cref="SessionEndpoint"/> (<see cref="EndpointKey"/>), and
/// <see cref="ConnectAsync"/> (a <see cref="SocketsHttpHandler.ConnectCallback"/>) checks the listeners on its port
/// before connecting and again after, refusing with <see cref="SessionListenerRefusedException"/> when one is not the
/// session job's (see <see cref="LoopbackListenerOwner"/>). The listeners' inodes once verified are kept on the
/// endpoint: a connection to the same listener costs a read of /proc/net/tcp and tcp6 before and after, and only a new
/// inode costs a look through the job's processes' open files. Pooled connections are reused without a check: each
/// was made to the session's listener, and only the job holds its end.
/// </summary>
public static class SessionListenerGuard
{
    public static readonly HttpRequestOptionsKey<SessionEndpoint> EndpointKey = new("Dashboard.SessionEndpoint");

    /// <summary>Who listens on the session's port now: the cheap look when it is the listener verified before, else the full check.</summary>
    public static ListenerOwnership Verify(SessionEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (ListeningSockets.On(endpoint.Port) is not { } listeners)
        {
            return ListenerOwnership.Unchecked;
        }

        if (listeners.Count == 0)
        {
            return ListenerOwnership.NotListening;
        }

        IReadOnlyList<long> inodes = [.. listeners.Select(l => l.Inode).Distinct().Order()];
        if (inodes.SequenceEqual(endpoint.VerifiedListeners))
        {
            return new ListenerOwnership(ListenerVerdict.Session, null, inodes);
        }

        endpoint.CountFullCheck();
        var found = LoopbackListenerOwner.Check(endpoint.Port, listeners, SessionJobProcesses.FromRecordsFolder(endpoint.RecordsFolder), endpoint.RunAsUid);
        if (found.Verdict == ListenerVerdict.Session)
        {
            endpoint.RememberVerified(found.Inodes);
        }

        return found;
    }

    /// <summary>Connects to the session's port on 127.0.0.1 only when its listener is the session's (before and after the connect).</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.InitialRequestMessage.Options.TryGetValue(EndpointKey, out var endpoint) || endpoint is null || endpoint.Port != context.DnsEndPoint.Port)
        {
            throw new SessionListenerRefusedException("the request names no session whose port this is");
        }

        Refuse(Verify(endpoint));
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, endpoint.Port), cancellationToken).ConfigureAwait(false);
            // A listener that took the port between the look and the connect shows now: the verified one's inode is gone.
            var after = Verify(endpoint);
            if (after.Verdict is not (ListenerVerdict.Session or ListenerVerdict.Unchecked))
            {
                throw new SessionListenerRefusedException(after.Reason ?? $"the listener on port {endpoint.Port} went away while connecting");
            }

            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Refuse(ListenerOwnership found)
    {
        if (found.Verdict == ListenerVerdict.Outsider)
        {
            throw new SessionListenerRefusedException(found.Reason!);
        }
    }
}
