using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Dashboard.Engine.Execution;

/// <summary>File ownership (which .NET has no API for) and permission bits.</summary>
internal static partial class UnixFiles
{
    /// <summary>Makes <paramref name="path"/> belong to <paramref name="uid"/>:<paramref name="gid"/>; throws when it cannot.</summary>
    public static void Chown(string path, int uid, int gid)
    {
        if (NativeChown(path, uid, gid) != 0)
        {
            throw new IOException($"chown {uid}:{gid} {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>Sets <paramref name="path"/>'s permission bits (this server runs on Linux only; elsewhere nothing happens).</summary>
    public static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> in a folder a job may write (so its last name may be anything the job made there)
    /// without following a symbolic link, and only when it is a regular file with no other name (a hard link to
    /// another file is refused too): null otherwise, or when there is no such file. Never blocks on a FIFO.
    /// </summary>
    public static SafeFileHandle? OpenJobOwnedFile(string path, bool write)
    {
        var flags = NoFollow | CloseOnExec | NonBlocking | (write ? WriteOnly | Append : ReadOnly);
        var fd = NativeOpen(path, flags, 0);
        if (fd < 0)
        {
            return null;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (!IsPlainFile(handle))
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }

    /// <summary>Creates <paramref name="path"/> as a new empty file (never through a link, never an existing one) and opens it.</summary>
    public static SafeFileHandle CreateNewFile(string path, UnixFileMode mode)
    {
        var fd = NativeOpen(path, NoFollow | CloseOnExec | WriteOnly | Append | Create | Exclusive, (int)mode);
        return fd < 0
            ? throw new IOException($"cannot create {path} (errno {Marshal.GetLastPInvokeError()})")
            : new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Removes the name <paramref name="path"/> (a link itself, not what it points to); nothing when there is none.</summary>
    public static void RemoveName(string path)
    {
        if (NativeUnlink(path) != 0 && Marshal.GetLastPInvokeError() != NoSuchFile)
        {
            throw new IOException($"cannot remove {path} (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>chown and chmod of the open file itself (not of whatever a name points to by now).</summary>
    public static void SetOwnerAndMode(SafeFileHandle file, int? uid, int? gid, UnixFileMode mode)
    {
        ArgumentNullException.ThrowIfNull(file);
        var fd = (int)file.DangerousGetHandle();
        if (uid is { } u && gid is { } g && NativeFchown(fd, u, g) != 0)
        {
            throw new IOException($"fchown {u}:{g} failed (errno {Marshal.GetLastPInvokeError()})");
        }

        if (NativeFchmod(fd, (uint)mode) != 0)
        {
            throw new IOException($"fchmod failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    // open(2) flags: the same on x86-64 and arm64 except O_NOFOLLOW.
    private const int ReadOnly = 0;
    private const int WriteOnly = 0x1;
    private const int Create = 0x40;
    private const int Exclusive = 0x80;
    private const int Append = 0x400;
    private const int NonBlocking = 0x800;
    private const int CloseOnExec = 0x80000;
    private const int NoSuchFile = 2;
    private const int EmptyPath = 0x1000;
    private const uint StatxBasics = 0x7ff;
    private const int FileTypeMask = 0xF000;
    private const int RegularFile = 0x8000;

    private static int NoFollow => RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm ? 0x8000 : 0x20000;

    /// <summary>A regular file with one name, by statx of the open descriptor (whose layout is the same on every architecture).</summary>
    private static bool IsPlainFile(SafeFileHandle handle)
    {
        Span<byte> statx = stackalloc byte[256];
        if (NativeStatx((int)handle.DangerousGetHandle(), "", EmptyPath, StatxBasics, ref MemoryMarshal.GetReference(statx)) != 0)
        {
            return false;
        }

        var links = BitConverter.ToUInt32(statx[16..20]);
        var mode = BitConverter.ToUInt16(statx[28..30]);
        return (mode & FileTypeMask) == RegularFile && links == 1;
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeChown(string path, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeOpen(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeUnlink(string path);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    private static partial int NativeFchown(int fd, int uid, int gid);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int NativeFchmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeStatx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
