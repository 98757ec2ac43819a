using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Engine.Execution.Isolation;

/// <summary>A Unix user a job can run as: its name, uid and primary gid.</summary>
public sealed partial record UnixAccount(string Name, int Uid, int Gid)
{
    /// <summary>The names this server accepts for a Unix user (the portable subset useradd takes): never empty, at most 32 characters.</summary>
    public static bool IsValidName(string? name) => name is not null && ValidName().IsMatch(name);

    /// <summary>The user of that name on this host (through NSS, so LDAP/SSSD users count), or null when there is none.</summary>
    public static UnixAccount? Find(string name)
    {
        if (!IsValidName(name))
        {
            return null;
        }

        var start = new ProcessStartInfo("getent") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("passwd");
        start.ArgumentList.Add(name);
        using var process = Process.Start(start);
        if (process is null)
        {
            return null;
        }

        var line = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? FromPasswdLine(line) : null;
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

    [GeneratedRegex("^[a-z_][a-z0-9_.-]{0,30}[a-z0-9_.$-]?$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
