using System.Text.RegularExpressions;

namespace Dashboard.Cli.Tests;

/// <summary>dash edit (with --what-if) and dash requeue against a real server.</summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashEditTests(DashServer server)
{
    [Fact]
    public async Task A_waiting_job_is_previewed_edited_and_refused_a_bad_edit_from_the_terminal()
    {
        var submitted = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--hold", "--name", "draft", "--", "sleep", "60");
        submitted.ExitCode.Should().Be(0, submitted.ToString());
        var id = SubmittedLine().Match(submitted.Out).Groups[1].Value;

        var preview = await Dash.RunAsync(server, "alice", "edit", id, "--gpus", "1", "--what-if");
        preview.ExitCode.Should().Be(0, preview.ToString());
        preview.Out.Should().MatchRegex("^(Starts now|Queued)");

        var edited = await Dash.RunAsync(server, "alice", "edit", id, "--name", "final", "--gpus", "1", "--time", "30m", "--priority", "2", "--", "python", "train.py");
        edited.ExitCode.Should().Be(0, edited.ToString());
        edited.Out.Trim().Should().Be($"Job {id} edited: final, 1 GPU, 1 CPU, 1G, walltime 30m, priority 2.");

        var tooBig = await Dash.RunAsync(server, "alice", "edit", id, "--gpus", "64");
        tooBig.ExitCode.Should().NotBe(0);
        tooBig.Error.Should().Contain("was not edited: needs 64 GPUs; team vision may hold at most");

        var nothing = await Dash.RunAsync(server, "alice", "edit", id);
        nothing.ExitCode.Should().Be(ExitCodes.Usage);
        nothing.Error.Should().Contain("say what to change");

        var byBob = await Dash.RunAsync(server, "bob", "edit", id, "--name", "bobs");
        byBob.ExitCode.Should().Be(ExitCodes.Forbidden, byBob.ToString());
    }

    [Fact]
    public async Task An_ended_job_is_requeued_from_the_terminal_and_a_waiting_one_is_not()
    {
        var submitted = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--hold", "--", "sleep", "60");
        var id = SubmittedLine().Match(submitted.Out).Groups[1].Value;

        var waiting = await Dash.RunAsync(server, "alice", "requeue", id);
        waiting.ExitCode.Should().NotBe(0);
        waiting.Error.Should().Contain("is already waiting in the queue");

        (await Dash.RunAsync(server, "alice", "cancel", id)).ExitCode.Should().Be(0);
        var requeued = await Dash.RunAsync(server, "alice", "requeue", id);

        requeued.ExitCode.Should().Be(0, requeued.ToString());
        requeued.Out.Trim().Should().Be($"Job {id} is back in the queue (attempt 2).");
    }

    [GeneratedRegex(@"Submitted job (\d+)")]
    private static partial Regex SubmittedLine();
}
