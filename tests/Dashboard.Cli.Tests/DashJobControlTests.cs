using System.Text.RegularExpressions;

namespace Dashboard.Cli.Tests;

/// <summary>dash hold, dash release and dash submit --after / --hold against a real server.</summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashJobControlTests(DashServer server)
{
    [Fact]
    public async Task A_job_submitted_after_another_and_held_is_released_from_the_terminal()
    {
        var first = await Dash.RunAsync(server, "alice", "submit", "--gpus", "1", "--time", "4h", "--team", "vision", "--", "sleep", "3600");
        first.ExitCode.Should().Be(0, first.ToString());
        var firstId = SubmittedLine().Match(first.Out).Groups[1].Value;

        var second = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--after", $"{firstId}:ok", "--hold", "--", "python", "eval.py");
        second.ExitCode.Should().Be(0, second.ToString());
        second.Out.Should().MatchRegex(@"Submitted job \d+ \(Pending\)");
        var secondId = SubmittedLine().Match(second.Out).Groups[1].Value;

        var byBob = await Dash.RunAsync(server, "bob", "release", secondId);
        byBob.ExitCode.Should().Be(ExitCodes.Forbidden, "bob may not act on alice's job");

        var released = await Dash.RunAsync(server, "alice", "release", secondId);
        released.ExitCode.Should().Be(0, released.ToString());
        released.Out.Trim().Should().Be($"Job {secondId}: released.");

        var held = await Dash.RunAsync(server, "lead", "hold", secondId);
        held.ExitCode.Should().Be(0, held.ToString());
        held.Out.Trim().Should().Be($"Job {secondId}: held by team lead lead; its owner cannot release it.");
        var refused = await Dash.RunAsync(server, "alice", "release", secondId);
        refused.ExitCode.Should().Be(ExitCodes.Forbidden, refused.ToString());
        refused.Error.Should().Contain("held by team lead lead");
    }

    [Fact]
    public async Task A_bad_after_is_refused_with_the_reason()
    {
        var run = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--after", "12:sometimes", "--", "true");

        run.ExitCode.Should().NotBe(0);
        run.Error.Should().Contain("\"sometimes\" is not a dependency rule");
    }

    [Fact]
    public async Task A_sweep_is_submitted_shown_held_and_cancelled_from_the_terminal()
    {
        var submitted = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--gpus", "1", "--time", "4h", "--sweep", "lr=1e-4,3e-4", "--sweep", "seed=1,2", "--max-running", "2", "--", "sleep", "3600");
        submitted.ExitCode.Should().Be(0, submitted.ToString());
        var match = Regex.Match(submitted.Out, @"^Submitted sweep (\d+): 4 jobs \((\d+)-(\d+)\), at most 2 running");
        match.Success.Should().BeTrue(submitted.ToString());
        var sweep = match.Groups[1].Value;

        var shown = await Dash.RunAsync(server, "alice", "sweep", "show", sweep);
        shown.ExitCode.Should().Be(0, shown.ToString());
        shown.Out.Should().StartWith($"Sweep {sweep} sleep (alice/vision): 0/4 done; jobs ");

        var byBob = await Dash.RunAsync(server, "bob", "sweep", "cancel", sweep);
        byBob.ExitCode.Should().Be(ExitCodes.Forbidden, byBob.ToString());

        var held = await Dash.RunAsync(server, "alice", "sweep", "hold", sweep);
        held.ExitCode.Should().Be(0, held.ToString());
        held.Out.Should().MatchRegex($@"^Sweep {sweep}: [0-4] jobs? of sweep {sweep} held\.");

        var cancelled = await Dash.RunAsync(server, "alice", "sweep", "cancel", sweep);
        cancelled.ExitCode.Should().Be(0, cancelled.ToString());
        cancelled.Out.Trim().Should().Be($"Sweep {sweep}: 4 jobs of sweep {sweep} cancelled.");

        var nothingFailed = await Dash.RunAsync(server, "alice", "sweep", "resubmit-failed", sweep);
        nothingFailed.ExitCode.Should().Be(ExitCodes.Refused, nothingFailed.ToString());
        nothingFailed.Error.Should().Contain($"sweep {sweep} has no failed job to resubmit");
        var resubmitByBob = await Dash.RunAsync(server, "bob", "sweep", "resubmit-failed", sweep);
        resubmitByBob.ExitCode.Should().Be(ExitCodes.Forbidden, resubmitByBob.ToString());

        var bad = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--sweep", "lr=$(reboot)", "--", "true");
        bad.ExitCode.Should().NotBe(0);
        bad.Error.Should().Contain("is not a value of lr");
    }

    [GeneratedRegex(@"Submitted job (\d+)")]
    private static partial Regex SubmittedLine();
}
