using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Dashboard.Engine.Execution;

/// <summary>
/// How much disk a folder a job owns takes: every name in it (the folder itself included) counted by the blocks it
/// occupies, as <c>du</c> counts, so a sparse file counts what it really uses. Links are never followed (a link to
/// /data counts as the link), a file with several names in the folder counts once, and a name that vanishes or cannot
/// be read while the walk runs is skipped. A name the walk cannot reach by its path (a tree nested deeper than PATH_MAX,
/// which a job can build with relative mkdir and chdir to hide what it writes) makes the count incomplete: the folder is
/// then counted by <c>du</c>, which walks relative to each folder and reaches any depth.
/// </summary>
internal static partial class FolderUsage
{
    private const int CurrentFolder = -100;
    private const int NoFollow = 0x100;
    private const uint StatxBasics = 0x7ff;
    private const int FileTypeMask = 0xF000;
    private const int Directory = 0x4000;
    private const long BlockBytes = 512;
    private const int NoSuchFile = 2;
    private const int NotAFolder = 20;

    /// <summary>The bytes the blocks of everything under <paramref name="folder"/> take; 0 when there is no such folder.</summary>
    public static long AllocatedBytes(string folder, CancellationToken cancellationToken = default)
    {
        long total = 0;
        var complete = true;
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        var pending = new Stack<string>();
        if (Stat(folder, ref complete) is not { IsDirectory: true } top)
        {
            return 0;
        }

        total += top.Bytes;
        pending.Push(folder);
        var enumeration = new EnumerationOptions { IgnoreInaccessible = true, AttributesToSkip = 0, RecurseSubdirectories = false, ReturnSpecialDirectories = false };
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = pending.Pop();
            try
            {
                foreach (var name in System.IO.Directory.EnumerateFileSystemEntries(current, "*", enumeration))
                {
                    if (Stat(name, ref complete) is not { } entry)
                    {
                        continue;
                    }

                    if (entry.Links > 1 && !seen.Add((entry.Device, entry.Inode)))
                    {
                        continue;
                    }

                    total += entry.Bytes;
                    if (entry.IsDirectory)
                    {
                        pending.Push(name);
                    }
                }
            }
            catch (DirectoryNotFoundException)
            {
                // The folder went away during the walk.
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                complete = false;
            }
        }

        return complete ? total : Math.Max(total, CountWithDu(folder) ?? 0);
    }

    /// <summary>GNU du's count of the folder's blocks, in bytes (links not followed, one filesystem); null when du fails.</summary>
    internal static long? CountWithDu(string folder)
    {
        var start = new ProcessStartInfo("du") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["-s", "-B1", "-P", "-x", "--", folder])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var du = Process.Start(start);
            if (du is null)
            {
                return null;
            }

            _ = du.StandardError.ReadToEndAsync();
            var output = du.StandardOutput.ReadToEnd();
            du.WaitForExit();
            var field = output.Split('\t', 2)[0].Trim();
            return long.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// lstat through statx (whose layout is the same on every architecture): null when the name is gone, or cannot be
    /// reached (then <paramref name="complete"/> is cleared).
    /// </summary>
    private static Entry? Stat(string path, ref bool complete)
    {
        Span<byte> statx = stackalloc byte[256];
        if (NativeStatx(CurrentFolder, path, NoFollow, StatxBasics, ref MemoryMarshal.GetReference(statx)) != 0)
        {
            if (Marshal.GetLastPInvokeError() is not (NoSuchFile or NotAFolder))
            {
                complete = false;
            }

            return null;
        }

        var links = BitConverter.ToUInt32(statx[16..20]);
        var mode = BitConverter.ToUInt16(statx[28..30]);
        var inode = BitConverter.ToUInt64(statx[32..40]);
        var blocks = BitConverter.ToUInt64(statx[48..56]);
        var device = ((ulong)BitConverter.ToUInt32(statx[136..140]) << 32) | BitConverter.ToUInt32(statx[140..144]);
        return new Entry((mode & FileTypeMask) == Directory, links, device, inode, (long)blocks * BlockBytes);
    }

    private readonly record struct Entry(bool IsDirectory, uint Links, ulong Device, ulong Inode, long Bytes);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeStatx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
