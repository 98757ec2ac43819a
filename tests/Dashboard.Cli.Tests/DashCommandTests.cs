using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Cli.Tests;

/// <summary>dash in-process against a real server: submit, ls, show, cancel, logs, status and watch, as text and as JSON.</summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashCommandTests(DashServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_job_is_submitted_listed_shown_watched_and_cancelled_from_the_terminal()
    {
        var submitted = await Dash.RunAsync(server, "alice", "submit", "--gpus", "2", "--cpus", "8", "--mem", "32G", "--time", "2h", "--team", "vision", "--", "python", "train.py", "--epochs", "3");
        submitted.ExitCode.Should().Be(0, submitted.ToString());
        var match = SubmittedLine().Match(submitted.Out);
        match.Success.Should().BeTrue(submitted.ToString());
        var id = match.Groups[1].Value;
        submitted.Out.Should().Contain("Running on demo-gpu-", "two demo nodes of 4 GPUs are free");

        var listed = await Dash.RunAsync(server, "alice", "ls");
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.Out.Split('\n')[0].Should().StartWith("ID").And.Contain("STATE");
        listed.Out.Split('\n').Should().Contain(l => l.StartsWith(id + " ", StringComparison.Ordinal) && l.Contains("train") && l.Contains("Running") && l.Contains("32G"));

        var shown = await Dash.RunAsync(server, "alice", "show", id);
        shown.ExitCode.Should().Be(0, shown.ToString());
        shown.Out.Should().Contain("Command:").And.Contain("python train.py --epochs 3")
            .And.Contain("2 GPUs, 8 CPU, 32G, walltime 2h").And.Contain("Running on:").And.Contain("simulated node");

        using var watchOut = new StringWriter();
        using var watchErr = new WatchingWriter();
        var watching = DashApp.RunAsync(
            ["watch", "--job", id],
            new Terminal(watchOut, watchErr),
            name => name switch { "DASH_SERVER" => server.Address.ToString(), "DASH_TOKEN" => server.TokenOf("alice"), _ => null },
            new FakeTimeProvider(Dash.Now),
            cancellationToken: TestContext.Current.CancellationToken);
        await watchErr.Connected.WaitAsync(Patience, TestContext.Current.CancellationToken);

        var cancelled = await Dash.RunAsync(server, "alice", "cancel", id);
        cancelled.ExitCode.Should().Be(0, cancelled.ToString());
        cancelled.Out.Should().StartWith($"Job {id} is stopping", "the server's message, once");

        var watchExit = await watching.WaitAsync(Patience, TestContext.Current.CancellationToken);
        watchExit.Should().Be(0, watchErr.ToString());
        watchOut.ToString().Should().MatchRegex($@"job {id} alice/vision Running -> Cancelled .*\(cancelled by alice\)", "watch ends with the job's end, which it saw live");

        var after = await Dash.RunAsync(server, "alice", "show", id, "--json");
        JsonDocument.Parse(after.Out).RootElement.GetProperty("state").GetString().Should().Be("Cancelled");

        var again = await Dash.RunAsync(server, "alice", "cancel", id);
        again.ExitCode.Should().Be(ExitCodes.Refused, "an ended job cannot be cancelled");
        again.Error.Should().Contain("has already ended");
    }

    [Fact]
    public async Task Every_command_answers_json_that_parses()
    {
        var submitted = await Dash.RunAsync(server, "alice", "submit", "--json", "--gpus", "1", "--mem", "2G", "--time", "30m", "--team", "vision", "--name", "json-check", "--", "sleep 60");
        submitted.ExitCode.Should().Be(0, submitted.ToString());
        var job = JsonDocument.Parse(submitted.Out).RootElement;
        var id = job.GetProperty("id").GetInt64();
        job.GetProperty("name").GetString().Should().Be("json-check");
        job.GetProperty("command").GetString().Should().Be("sleep 60");
        job.GetProperty("request").GetProperty("memory").GetDecimal().Should().Be(2);

        var listed = JsonDocument.Parse((await Dash.RunAsync(server, "alice", "ls", "--json", "--state", "Running")).Out).RootElement;
        listed.GetProperty("items").EnumerateArray().Should().Contain(j => j.GetProperty("id").GetInt64() == id);
        listed.GetProperty("items").EnumerateArray().Should().OnlyContain(j => j.GetProperty("state").GetString() == "Running" && j.GetProperty("owner").GetString() == "alice");

        var shown = JsonDocument.Parse((await Dash.RunAsync(server, "alice", "show", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json")).Out).RootElement;
        shown.GetProperty("id").GetInt64().Should().Be(id);

        var status = JsonDocument.Parse((await Dash.RunAsync(server, "bob", "status", "--json")).Out).RootElement;
        status.GetProperty("cluster").GetProperty("gpusTotal").GetInt32().Should().Be(8, "two demo nodes with 4 GPUs each; this host has none");
        status.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()).Should().Contain(["demo-gpu-01", "demo-gpu-02", "test-host"]);

        var cancelled = JsonDocument.Parse((await Dash.RunAsync(server, "alice", "cancel", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json")).Out).RootElement;
        cancelled.GetProperty("job").GetProperty("id").GetInt64().Should().Be(id);
        cancelled.GetProperty("message").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task Status_reads_like_sinfo()
    {
        var status = await Dash.RunAsync(server, "bob", "status");

        status.ExitCode.Should().Be(0, status.ToString());
        status.Out.Should().MatchRegex(@"^GPUs \d+/8 in use, CPU ");
        status.Out.Should().Contain("NODE").And.Contain("demo-gpu-01 (sim)").And.Contain("test-host");
    }

    [GeneratedRegex(@"^Submitted job (\d+) \(")]
    private static partial Regex SubmittedLine();
}
