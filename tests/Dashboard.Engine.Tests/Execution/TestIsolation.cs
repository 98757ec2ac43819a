using System.Diagnostics;
using Dashboard.Engine.Execution;
using Dashboard.Engine.Execution.Isolation;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>
/// The isolation this host allows (probed once per test run: on CI, as root, Owner mode with bubblewrap and cgroups),
/// and named pipes a job of any Unix user can use, in folders it may pass through.
/// </summary>
public static class TestIsolation
{
    private static readonly Lazy<HostCapabilities> Host = new(() => HostCapabilities.Probe("bwrap"));

    public static HostCapabilities Capabilities => Host.Value;

    /// <summary>The isolation Auto picks here, hiding <paramref name="dataFolder"/>, with <paramref name="shared"/> writable by jobs.</summary>
    public static LocalJobIsolation Detect(string dataFolder, params string[] shared)
    {
        var options = new LocalExecutorOptions { SharedPaths = [.. shared] };
        return LocalJobIsolation.For(IsolationChoice.Choose(IsolationSetting.Auto, Host.Value), Host.Value, options, [dataFolder]);
    }

    /// <summary>Makes a FIFO at <paramref name="path"/> that any user may open, in a folder any user may pass through.</summary>
    public static void MakePipe(string path)
    {
        var folder = Path.GetDirectoryName(path)!;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        using var mkfifo = Process.Start("mkfifo", ["-m", "666", path]);
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
        {
            throw new IOException($"mkfifo {path} failed");
        }
    }
}
