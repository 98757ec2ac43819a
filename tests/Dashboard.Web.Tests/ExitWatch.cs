using System.Globalization;
using System.Runtime.InteropServices;

[assembly: AssemblyFixture(typeof(Dashboard.Web.Tests.ExitWatch))]

namespace Dashboard.Web.Tests;

/// <summary>
/// Says on standard error when the test process is asked to end by a signal, or ends early: a run once stopped with
/// "Test process crashed with exit code 0" and nothing else, which is how .NET ends on SIGTERM. The test runner prints
/// the crashed process's standard error, so the next such run says which signal came and when. The default action
/// of every signal is kept.
/// </summary>
public sealed class ExitWatch : IDisposable
{
    private readonly PosixSignalRegistration[] registrations;

    public ExitWatch()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Report),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Report),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, Report),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Report),
        ];
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }
    }

    private static void Report(PosixSignalContext context) =>
        Say(string.Create(CultureInfo.InvariantCulture, $"received {context.Signal}"));

    private static void OnProcessExit(object? sender, EventArgs e) =>
        Say(string.Create(CultureInfo.InvariantCulture, $"ending with exit code {Environment.ExitCode} before its test run was done"));

    private static void Say(string what) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[exit-watch] {TimeProvider.System.GetUtcNow():HH:mm:ss.fff} UTC: test process {Environment.ProcessId} (parent {ParentId()}) {what}"));

    private static string ParentId()
    {
        try
        {
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[1];
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
