using System.Globalization;

namespace Dashboard.Engine.Sessions;

/// <summary>What <see cref="LoopbackListenerOwner"/> found on a session's port.</summary>
public enum ListenerVerdict
{
    /// <summary>Nothing listens on the port (yet).</summary>
    NotListening,

    /// <summary>Every listener on the port is held by a process of the session's job (and made by its Unix user).</summary>
    Session,

    /// <summary>Some listener on the port is not the session's: nothing may be sent to it.</summary>
    Outsider,

    /// <summary>This host has no /proc/net/tcp to read: the check cannot run here.</summary>
    Unchecked,
}

/// <summary>A verdict, with the reason a person reads for <see cref="ListenerVerdict.Outsider"/> and the listeners' inodes for <see cref="ListenerVerdict.Session"/>.</summary>
public sealed record ListenerOwnership(ListenerVerdict Verdict, string? Reason, IReadOnlyList<long> Inodes)
{
    public static readonly ListenerOwnership NotListening = new(ListenerVerdict.NotListening, null, []);

    public static readonly ListenerOwnership Unchecked = new(ListenerVerdict.Unchecked, null, []);

    public static ListenerOwnership Outsider(string reason) => new(ListenerVerdict.Outsider, reason, []);
}

/// <summary>
/// Who owns the listening sockets of a loopback port on this (Linux) host: a listener is a session job's only when a
/// process of that job holds it (<c>socket:[inode]</c> among its <c>/proc/{pid}/fd</c>) and, where jobs run as a
/// mapped Unix user, the socket was made by that user. Every listener on the port must pass (with SO_REUSEPORT a
/// second socket of another process can share it). Plain file reads of /proc; no native code.
/// </summary>
public static class LoopbackListenerOwner
{
    private const string SocketLinkPrefix = "socket:[";

    /// <summary>Checks the listeners on <paramref name="port"/> now against <paramref name="job"/>'s processes (and <paramref name="runAsUid"/> where given).</summary>
    public static ListenerOwnership Check(int port, SessionJobProcesses? job, int? runAsUid) =>
        ListeningSockets.On(port) is { } listeners ? Check(port, listeners, job, runAsUid) : ListenerOwnership.Unchecked;

    /// <summary>Checks <paramref name="listeners"/> (those on <paramref name="port"/>, read a moment ago) against the job's processes.</summary>
    public static ListenerOwnership Check(int port, IReadOnlyList<ListeningSocket> listeners, SessionJobProcesses? job, int? runAsUid)
    {
        ArgumentNullException.ThrowIfNull(listeners);
        if (listeners.Count == 0)
        {
            return ListenerOwnership.NotListening;
        }

        if (runAsUid is { } uid && listeners.FirstOrDefault(l => l.Uid != uid) is { } stranger)
        {
            return ListenerOwnership.Outsider(HeldByOutsider(port, stranger.Uid));
        }

        if (job is null)
        {
            return ListenerOwnership.Outsider(string.Create(CultureInfo.InvariantCulture, $"port {port} is held by a process outside this session (its job has not started yet)"));
        }

        var wanted = listeners.Select(l => l.Inode).ToHashSet();
        var held = new HashSet<long>();
        var unreadable = false;
        foreach (var pid in job.Pids())
        {
            if (!MayReadFilesOf(pid))
            {
                unreadable = true;
                continue;
            }

            foreach (var inode in SocketsHeldBy(pid))
            {
                if (wanted.Contains(inode))
                {
                    held.Add(inode);
                }
            }

            if (held.Count == wanted.Count)
            {
                return new ListenerOwnership(ListenerVerdict.Session, null, [.. wanted.Order()]);
            }
        }

        if (unreadable)
        {
            // Fail closed, and say why: another user's listener and the job's own look the same from here.
            return ListenerOwnership.Outsider(string.Create(CultureInfo.InvariantCulture,
                $"port {port} could not be checked: the dashboard may not read the open files of this session's processes (it needs to run as root, as the jobs' user, or with CAP_SYS_PTRACE)"));
        }

        var outsider = listeners.First(l => !held.Contains(l.Inode));
        return ListenerOwnership.Outsider(HeldByOutsider(port, outsider.Uid));
    }

    /// <summary>Whether /proc/{pid}/fd may be read (true also when the process is gone: it holds nothing then).</summary>
    private static bool MayReadFilesOf(int pid)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fd")).GetEnumerator();
            entries.MoveNext();
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>The inodes of the sockets among <paramref name="pid"/>'s open files (none when it is gone or not ours to read).</summary>
    public static IEnumerable<long> SocketsHeldBy(int pid)
    {
        string[] links;
        try
        {
            links = Directory.GetFileSystemEntries(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/fd"));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var link in links)
        {
            string? target;
            try
            {
                target = new FileInfo(link).LinkTarget;
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            if (target is not null
                && target.StartsWith(SocketLinkPrefix, StringComparison.Ordinal)
                && target.EndsWith(']')
                && long.TryParse(target.AsSpan(SocketLinkPrefix.Length, target.Length - SocketLinkPrefix.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                yield return inode;
            }
        }
    }

    private static string HeldByOutsider(int port, int uid) =>
        string.Create(CultureInfo.InvariantCulture, $"port {port} is held by a process outside this session (Unix uid {uid})");
}
