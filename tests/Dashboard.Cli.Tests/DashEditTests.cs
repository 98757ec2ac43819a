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
        (await Dash.RunAsync(server, "alice", "cancel", id)).ExitCode.Should().Be(0, "the requeued job leaves the shared server's hosts to the other tests");
    }

    [Fact]
    public async Task A_template_is_saved_from_a_job_listed_used_by_submit_and_removed_from_the_terminal()
    {
        var submitted = await Dash.RunAsync(server, "alice", "submit", "--team", "vision", "--gpus", "1", "--time", "2h", "--hold", "--name", "resnet", "--", "python", "train.py");
        var id = SubmittedLine().Match(submitted.Out).Groups[1].Value;

        var saved = await Dash.RunAsync(server, "alice", "template", "save", "dash-resnet", "--from-job", id);
        saved.ExitCode.Should().Be(0, saved.ToString());
        var template = Regex.Match(saved.Out, @"^Saved template (\d+) ""dash-resnet"" \(personal\)\.").Groups[1].Value;
        template.Should().NotBeEmpty(saved.Out);

        var duplicate = await Dash.RunAsync(server, "alice", "template", "save", "dash-resnet", "--from-job", id);
        duplicate.ExitCode.Should().NotBe(0);
        duplicate.Error.Should().Contain("You already have a template named \"dash-resnet\"");

        var listed = await Dash.RunAsync(server, "alice", "template", "ls");
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.Out.Should().MatchRegex($@"{template}\s+dash-resnet\s+vision\s+personal\s+alice\s+1 GPU, 1 CPU, 1G, 2h");

        var fromTemplate = await Dash.RunAsync(server, "alice", "--json", "submit", "--template", "dash-resnet", "--time", "30m", "--hold");
        fromTemplate.ExitCode.Should().Be(0, fromTemplate.ToString());
        fromTemplate.Out.Should().Contain("\"name\": \"resnet\"").And.Contain("\"command\": \"python train.py\"").And.Contain("\"walltime\": \"30m\"");

        var unknown = await Dash.RunAsync(server, "alice", "submit", "--template", "no-such-template");
        unknown.ExitCode.Should().Be(ExitCodes.NotFound);
        unknown.Error.Should().Contain("there is no template named \"no-such-template\"");

        var byBob = await Dash.RunAsync(server, "bob", "template", "rm", template);
        byBob.ExitCode.Should().Be(ExitCodes.NotFound, byBob.ToString());
        var removed = await Dash.RunAsync(server, "alice", "template", "rm", template);
        removed.ExitCode.Should().Be(0, removed.ToString());
        removed.Out.Trim().Should().Be($"Removed template {template} \"dash-resnet\".");
    }

    [GeneratedRegex(@"Submitted job (\d+)")]
    private static partial Regex SubmittedLine();
}
