using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Dashboard.Engine.Execution.Isolation;

/// <summary>A Unix user a job can run as: its name, uid and primary gid.</summary>
public sealed partial record UnixAccount(string Name, int Uid, int Gid)
{
    /// <summary>The names this server accepts for a Unix user (the portable subset useradd takes): never empty, at most 32 characters.</summary>
    public static bool IsValidName(string? name) => name is not null && ValidName().IsMatch(name);

    /// <summary>
    /// The user of that name on this host (through NSS, so LDAP/SSSD users count), or null when there is none. Asked
    /// in this process with getpwnam_r, as getent would: a job's launch costs no extra process.
    /// </summary>
    public static UnixAccount? Find(string name)
    {
        if (!IsValidName(name))
        {
            return null;
        }

        // The buffer holds the entry's strings; ERANGE asks for a larger one.
        for (var size = 4096; size <= MaxEntryBytes; size *= 2)
        {
            var buffer = Marshal.AllocHGlobal(size);
            try
            {
                var error = GetPwNamR(name, out var entry, buffer, (nuint)size, out var found);
                if (error == ERange)
                {
                    continue;
                }

                // As with a passwd line: ids past int (a 32-bit "nobody" of some systems) are not taken.
                return error == 0 && found != IntPtr.Zero && entry.Uid <= int.MaxValue && entry.Gid <= int.MaxValue
                    && Marshal.PtrToStringUTF8(entry.Name) is { } foundName
                    ? new UnixAccount(foundName, (int)entry.Uid, (int)entry.Gid)
                    : null;
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }

        return null;
    }

    /// <summary>Reads one passwd line ("name:x:uid:gid:gecos:home:shell"); null when it is not one.</summary>
    public static UnixAccount? FromPasswdLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = line.Trim().Split(':');
        return fields.Length >= 4
            && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            && int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
            ? new UnixAccount(fields[0], uid, gid)
            : null;
    }

    private const int ERange = 34;
    private const int MaxEntryBytes = 1 << 20;

    [LibraryImport("libc", EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int GetPwNamR(string name, out PasswdEntry entry, IntPtr buffer, nuint length, out IntPtr result);

    [GeneratedRegex("^[a-z_][a-z0-9_.-]{0,30}[a-z0-9_.$-]?$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}

/// <summary>glibc's struct passwd (Linux, 64-bit): the strings point into the caller's buffer.</summary>
[StructLayout(LayoutKind.Sequential)]
internal readonly struct PasswdEntry
{
    public readonly IntPtr Name;
    public readonly IntPtr Password;
    public readonly uint Uid;
    public readonly uint Gid;
    public readonly IntPtr Gecos;
    public readonly IntPtr Home;
    public readonly IntPtr Shell;
}
