using System.Text;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Execution;

/// <summary>The end of a job's output log: its last whole lines, and whether anything before them was left out.</summary>
public sealed record JobLogTail(bool Exists, IReadOnlyList<string> Lines, bool Truncated, long LengthBytes)
{
    public static JobLogTail Missing { get; } = new(false, [], false, 0);
}

/// <summary>Bytes of a job's log from some offset: <see cref="NextOffset"/> is where the next read starts; <see cref="Length"/> the file's size when read.</summary>
public sealed record JobLogChunk(bool Exists, ReadOnlyMemory<byte> Bytes, long NextOffset, long Length)
{
    public static JobLogChunk Missing { get; } = new(false, ReadOnlyMemory<byte>.Empty, 0, 0);
}

/// <summary>
/// Reads the tail of a local job's <c>output.log</c> (see <see cref="JobWorkFolder"/>) while the job may still be
/// writing it: the file is opened for reading with every kind of sharing allowed, only the bytes present when it was
/// opened are read, and a line cut by the start of the window is dropped. Never changes the file.
/// </summary>
public sealed class JobLogs(string jobsRoot)
{
    /// <summary>How much of the end of the log a tail reads by default.</summary>
    public const int DefaultTailBytes = 64 * 1024;

    /// <summary>The most a caller may ask for in one read.</summary>
    public const int MaxTailBytes = 4 * 1024 * 1024;

    public string JobsRoot { get; } = jobsRoot;

    public JobLogTail Tail(JobId job, int maxBytes = DefaultTailBytes)
    {
        if (maxBytes is < 1 or > MaxTailBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, $"A log tail reads between 1 byte and {MaxTailBytes} bytes.");
        }

        if (Open(job) is not { } stream)
        {
            return JobLogTail.Missing;
        }

        using (stream)
        {
            var length = stream.Length;
            var start = Math.Max(0, length - maxBytes);
            var buffer = new byte[length - start];
            stream.Seek(start, SeekOrigin.Begin);
            var read = 0;
            while (read < buffer.Length)
            {
                var n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    break; // Truncated meanwhile: show what was there.
                }

                read += n;
            }

            var window = buffer.AsSpan(0, read);
            var truncated = start > 0;
            if (truncated)
            {
                // The window may start inside a line (or a UTF-8 sequence): keep whole lines only.
                var firstNewline = window.IndexOf((byte)'\n');
                window = firstNewline < 0 ? [] : window[(firstNewline + 1)..];
            }

            return new JobLogTail(true, SplitLines(Encoding.UTF8.GetString(window)), truncated, length);
        }
    }

    /// <summary>
    /// Up to <paramref name="maxBytes"/> bytes of the log from byte <paramref name="offset"/> on, as they are now (a
    /// follower asks again from <see cref="JobLogChunk.NextOffset"/>). Bytes, not lines: a chunk may end inside a line.
    /// </summary>
    public JobLogChunk Read(JobId job, long offset, int maxBytes = MaxTailBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (maxBytes is < 1 or > MaxTailBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(maxBytes), maxBytes, $"A log read takes between 1 byte and {MaxTailBytes} bytes.");
        }

        if (Open(job) is not { } stream)
        {
            return JobLogChunk.Missing;
        }

        using (stream)
        {
            var length = stream.Length;
            if (offset >= length)
            {
                return new JobLogChunk(true, ReadOnlyMemory<byte>.Empty, Math.Min(offset, length), length);
            }

            var buffer = new byte[Math.Min(maxBytes, length - offset)];
            stream.Seek(offset, SeekOrigin.Begin);
            var read = 0;
            while (read < buffer.Length)
            {
                var n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return new JobLogChunk(true, buffer.AsMemory(0, read), offset + read, length);
        }
    }

    /// <summary>
    /// The job's log, opened for reading only when it is a plain file: the job owns its folder and may have put a link
    /// to any file of the host (the database, the key ring, /etc/shadow) or a FIFO in the log's place, which the
    /// server would otherwise read with its own rights and show to the job's owner. Such a log counts as missing.
    /// </summary>
    private FileStream? Open(JobId job)
    {
        var path = new JobWorkFolder(JobsRoot, job).LogPath;
        if (!OperatingSystem.IsWindows())
        {
            return UnixFiles.OpenJobOwnedFile(path, write: false) is { } handle ? new FileStream(handle, FileAccess.Read) : null;
        }

        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static List<string> SplitLines(string text)
    {
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1); // The newline that ends the last line.
        }

        return lines;
    }
}
