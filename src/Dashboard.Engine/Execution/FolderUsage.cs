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
/// <summary>What <see cref="FolderUsage.Measure"/> found: the bytes counted, and whether part of the folder could not be read.</summary>
internal readonly record struct FolderMeasure(long Bytes, bool Unreadable);

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
    private const int PermissionDenied = 13;

    /// <summary>The bytes the blocks of everything under <paramref name="folder"/> take; 0 when there is no such folder.</summary>
    public static long AllocatedBytes(string folder, CancellationToken cancellationToken = default) => Measure(folder, cancellationToken).Bytes;

    /// <summary>
    /// The bytes the blocks of everything under <paramref name="folder"/> take, and whether part of it could not be read
    /// (a folder without read or search permission for the server: its contents are not counted, and du cannot count
    /// them either). A folder the server owns is given read and search permission back first, so only a folder of
    /// another user stays unreadable.
    /// </summary>
    public static FolderMeasure Measure(string folder, CancellationToken cancellationToken = default)
    {
        long total = 0;
        var complete = true;
        var unreadable = false;
        var seen = new HashSet<(ulong Device, ulong Inode)>();
        var pending = new Stack<string>();
        if (Stat(folder, ref complete, ref unreadable) is not { IsDirectory: true } top)
        {
            return new FolderMeasure(0, false);
        }

        total += top.Bytes;
        pending.Push(folder);
        var enumeration = new EnumerationOptions { IgnoreInaccessible = false, AttributesToSkip = 0, RecurseSubdirectories = false, ReturnSpecialDirectories = false };
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = pending.Pop();
            try
            {
                foreach (var name in System.IO.Directory.EnumerateFileSystemEntries(current, "*", enumeration))
                {
                    if (Stat(name, ref complete, ref unreadable) is not { } entry)
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
            catch (UnauthorizedAccessException) when (MadeReadable(current))
            {
                // A folder of the server's own user that the job closed (chmod 000): opened again, walked again.
                pending.Push(current);
            }
            catch (UnauthorizedAccessException)
            {
                unreadable = true;
            }
            catch (IOException)
            {
                complete = false;
            }
        }

        return new FolderMeasure(complete ? total : Math.Max(total, CountWithDu(folder) ?? 0), unreadable);
    }

    /// <summary>Gives the server's user read and search permission on <paramref name="folder"/> where it owns it and lacks them; false when that is not possible or changed nothing.</summary>
    private static bool MadeReadable(string folder)
    {
        const UnixFileMode readAndSearch = UnixFileMode.UserRead | UnixFileMode.UserExecute;
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            var mode = File.GetUnixFileMode(folder);
            if ((mode & readAndSearch) == readAndSearch)
            {
                return false;
            }

            File.SetUnixFileMode(folder, mode | readAndSearch);
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return false;
        }
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
    /// reached (then <paramref name="complete"/> is cleared), or may not be looked at for want of permission (then
    /// <paramref name="unreadable"/> is set).
    /// </summary>
    private static Entry? Stat(string path, ref bool complete, ref bool unreadable)
    {
        Span<byte> statx = stackalloc byte[256];
        if (NativeStatx(CurrentFolder, path, NoFollow, StatxBasics, ref MemoryMarshal.GetReference(statx)) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == PermissionDenied)
            {
                // A folder on the way may be listed but not searched (chmod 400): what is under it cannot be counted.
                unreadable = true;
            }
            else if (error is not (NoSuchFile or NotAFolder))
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
