using System.Diagnostics;
using Dashboard.Engine.Execution;

namespace Dashboard.Engine.Tests.Execution;

/// <summary>
/// kill(2) reads a group of 0 as the caller's own group and -1 as every process the caller may signal: a launch
/// record with a pid of 0 or 1, or one that names the server's own group, must never turn a job's stop into a signal
/// to the server or to the whole machine. Probed with signal 0, which only asks whether a target exists.
/// </summary>
public sealed class ProcessSignalsTests
{
    private const int Probe = 0;

    [Fact]
    public void No_signal_goes_to_no_group_to_init_or_to_every_process()
    {
        ProcessSignals.SignalGroup(0, Probe).Should().BeFalse("kill(0, sig) would reach the server's own group");
        ProcessSignals.SignalGroup(1, Probe).Should().BeFalse("kill(-1, sig) would reach every process");
        ProcessSignals.GroupAlive(0).Should().BeFalse();
        ProcessSignals.GroupAlive(1).Should().BeFalse();
        ProcessSignals.Signal(0, Probe).Should().BeFalse();
        ProcessSignals.Signal(1, Probe).Should().BeFalse();
        ProcessSignals.ProcessAlive(0).Should().BeFalse();
    }

    [Fact]
    public void The_servers_own_process_and_group_are_never_signalled()
    {
        var ownGroup = ProcessSignals.GroupOf(Environment.ProcessId);
        ownGroup.Should().BeGreaterThan(0);

        ProcessSignals.SignalGroup(ownGroup, Probe).Should().BeFalse();
        ProcessSignals.GroupAlive(ownGroup).Should().BeFalse();
        ProcessSignals.SignalGroup(Environment.ProcessId, Probe).Should().BeFalse();
        ProcessSignals.Signal(Environment.ProcessId, Probe).Should().BeFalse();
        ProcessSignals.ProcessAlive(Environment.ProcessId).Should().BeTrue("asking whether a process lives sends nothing");
    }

    [Fact]
    public async Task A_group_led_by_a_job_is_signalled_and_ends()
    {
        // The child is not a group leader, so setsid makes it one without forking; "ready" is written after that.
        using var leader = Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", "echo ready; exec sleep 600"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        var ready = await leader.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        ready.Should().Be("ready");

        ProcessSignals.GroupOf(leader.Id).Should().Be(leader.Id);
        ProcessSignals.GroupAlive(leader.Id).Should().BeTrue();
        ProcessSignals.SignalGroup(leader.Id, ProcessSignals.SigTerm).Should().BeTrue();
        await leader.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        leader.ExitCode.Should().Be(143, "sleep ended by SIGTERM");
    }
}
