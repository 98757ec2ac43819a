using System.Diagnostics;

namespace Dashboard.Bench.Browser;

/// <summary>
/// Heap dumps of this process (the app runs inside the bench) by the dotnet-dump tool, started as a child process on
/// this process's id: `dotnet tool install -g dotnet-dump`, then `--heapdump DIR` writes DIR/NAME.dmp at each point;
/// `dotnet-dump analyze DIR/NAME.dmp -c "dumpheap -stat -live"` lists the live objects by type, and two lists diffed by
/// type say where a circuit's bytes go (`gcroot` on an address says who holds an object).
/// </summary>
public static class HeapDumps
{
    /// <summary>Writes <paramref name="folder"/>/<paramref name="name"/>.dmp; nothing when <paramref name="folder"/> is null.</summary>
    public static async Task TakeAsync(string? folder, string name)
    {
        if (folder is null)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        var tool = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools", "dotnet-dump");
        var start = new ProcessStartInfo(File.Exists(tool) ? tool : "dotnet-dump")
        {
            ArgumentList = { "collect", "--type", "Heap", "-p", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", Path.Combine(folder, name + ".dmp") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet-dump did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-dump failed ({process.ExitCode}): {await output} {await errors}");
        }

        Console.WriteLine($"heapdump: {name} -> {Path.Combine(folder, name + ".dmp")}");
    }
}
