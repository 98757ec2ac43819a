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
            found.AddRange(Parse(text).Where(s => s.Port == port));
        }

        return readAny ? found : null;
    }

    /// <summary>The listening sockets of one table's text (its header line is skipped; other states are left out).</summary>
    public static IEnumerable<ListeningSocket> Parse(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        foreach (var line in table.Split('\n').Skip(1))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 10 || fields[3] != Listen)
            {
                continue;
            }

            var local = fields[1];
            var colon = local.LastIndexOf(':');
            if (colon < 0
                || !int.TryParse(local.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port)
                || !int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
                || !long.TryParse(fields[9], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
            {
                continue;
            }

            yield return new ListeningSocket(local[..colon], port, uid, inode);
        }
    }
}
