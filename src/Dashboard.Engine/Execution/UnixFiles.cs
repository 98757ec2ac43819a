using System.Runtime.InteropServices;

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

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int NativeChown(string path, int uid, int gid);
}
