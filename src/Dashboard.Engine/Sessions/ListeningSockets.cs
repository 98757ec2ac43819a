using System.Globalization;

namespace Dashboard.Engine.Sessions;

/// <summary>One listening TCP socket of this host's network namespace, as <c>/proc/net/tcp</c> or <c>tcp6</c> lists it.</summary>
public sealed record ListeningSocket(string Address, int Port, int Uid, long Inode);

/// <summary>
/// The listening TCP sockets (state 0A) on a port, read from <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c> with plain
/// file reads: each gives the socket's local address, the uid that made it and its inode, which names it in
/// <c>/proc/{pid}/fd</c> as <c>socket:[inode]</c>.
/// </summary>
public static class ListeningSockets
{
    private const string Listen = "0A";

    private static readonly string[] Tables = ["/proc/net/tcp", "/proc/net/tcp6"];

    /// <summary>Every listener on <paramref name="port"/>, whatever its address; null when this host has no such tables (not Linux, or /proc not readable).</summary>
    public static IReadOnlyList<ListeningSocket>? On(int port)
    {
        var found = new List<ListeningSocket>();
        var readAny = false;
        foreach (var table in Tables)
        {
            string text;
            try
            {
                text = File.ReadAllText(table);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // tcp6 is missing where IPv6 is off; both missing: the check cannot run here.
                continue;
            }

            readAny = true;
            found.AddRange(Parse(text, port));
        }

        return readAny ? found : null;
    }

    /// <summary>The listening sockets of one table's text (its header line is skipped; other states are left out), on <paramref name="port"/> only when given.</summary>
    public static IReadOnlyList<ListeningSocket> Parse(string table, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        var found = new List<ListeningSocket>();
        var rest = table.AsSpan();
        var header = true;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf('\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (header)
            {
                header = false;
                continue;
            }

            if (ParseLine(line, port) is { } socket)
            {
                found.Add(socket);
            }
        }

        return found;
    }

    /// <summary>
    /// One line: <c>sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...</c>;
    /// read field by field without splitting the line, so the many lines of other sockets cost no allocation.
    /// </summary>
    private static ListeningSocket? ParseLine(ReadOnlySpan<char> line, int? wantedPort)
    {
        Span<Range> fields = stackalloc Range[11];
        if (line.Split(fields, ' ', StringSplitOptions.RemoveEmptyEntries) < 10 || !line[fields[3]].SequenceEqual(Listen))
        {
            return null;
        }

        var local = line[fields[1]];
        var colon = local.LastIndexOf(':');
        if (colon < 0
            || !int.TryParse(local[(colon + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port)
            || (wantedPort is { } wanted && port != wanted)
            || !int.TryParse(line[fields[7]], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            || !long.TryParse(line[fields[9]], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return null;
        }

        return new ListeningSocket(local[..colon].ToString(), port, uid, inode);
    }
}
