using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dashboard.Cli.Tests;

/// <summary><c>dash session start jupyter --gpus 1</c>, <c>ls</c> and <c>stop</c> against a real server.</summary>
[Collection(nameof(SharedDashServer))]
public sealed partial class DashSessionTests(DashServer server)
{
    [Fact]
    public async Task A_jupyter_session_with_one_gpu_is_started_listed_and_stopped_from_the_terminal()
    {
        var started = await Dash.RunAsync(server, "alice", "session", "start", "jupyter", "--gpus", "1");

        started.ExitCode.Should().Be(0, started.ToString());
        var match = StartedLine().Match(started.Out);
        match.Success.Should().BeTrue(started.ToString());
        var id = match.Groups[1].Value;
        started.Out.Should().Contain("demo-gpu-", "the one GPU is on a demo node (this host has none), in alice's first team")
            .And.Contain("simulated demo node");

        var listed = await Dash.RunAsync(server, "alice", "session", "ls");
        listed.ExitCode.Should().Be(0, listed.ToString());
        listed.Out.Split('\n')[0].Should().StartWith("ID").And.Contain("STATUS").And.Contain("URL");
        listed.Out.Split('\n').Should().Contain(l => l.StartsWith(id + " ", StringComparison.Ordinal) && l.Contains("jupyter") && l.Contains($"/sessions/{id}/"));

        var asJson = await Dash.RunAsync(server, "alice", "session", "ls", "--json");
        JsonDocument.Parse(asJson.Out).RootElement.EnumerateArray().Should().Contain(s => s.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) == id);

        var byBob = await Dash.RunAsync(server, "bob", "session", "stop", id);
        byBob.ExitCode.Should().Be(ExitCodes.Forbidden, "bob may not stop alice's session");

        var stopped = await Dash.RunAsync(server, "alice", "session", "stop", id);
        stopped.ExitCode.Should().Be(0, stopped.ToString());
        stopped.Out.Should().MatchRegex($"Session {id} (stopped|is stopping)");
    }

    [Fact]
    public async Task A_running_session_is_extended_from_the_terminal_by_its_owner_only()
    {
        var started = await Dash.RunAsync(server, "alice", "session", "start", "jupyter", "--gpus", "1", "--time", "1h");
        started.ExitCode.Should().Be(0, started.ToString());
        var id = StartedLine().Match(started.Out).Groups[1].Value;
        var before = await EndsAtAsync(id);

        var byBob = await Dash.RunAsync(server, "bob", "session", "extend", id, "--by", "1h");
        var nonsense = await Dash.RunAsync(server, "alice", "session", "extend", id, "--by", "soon");
        var extended = await Dash.RunAsync(server, "alice", "session", "extend", id, "--by", "1h");

        byBob.ExitCode.Should().Be(ExitCodes.Forbidden, "bob may not extend alice's session");
        nonsense.ExitCode.Should().NotBe(0);
        nonsense.Error.Should().Contain("1h or 30m");
        extended.ExitCode.Should().Be(0, extended.ToString());
        extended.Out.Should().Contain($"Session {id} extended; it now ends at");
        (await EndsAtAsync(id) - before).Should().Be(TimeSpan.FromHours(1));
        (await Dash.RunAsync(server, "alice", "session", "stop", id)).ExitCode.Should().Be(0);
    }

    private async Task<DateTimeOffset> EndsAtAsync(string id)
    {
        var listed = await Dash.RunAsync(server, "alice", "session", "ls", "--json");
        return JsonDocument.Parse(listed.Out).RootElement.EnumerateArray()
            .Single(s => s.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture) == id)
            .GetProperty("endsAt").GetDateTimeOffset();
    }

    [Fact]
    public async Task An_unknown_session_type_is_refused_with_the_types_offered()
    {
        var refused = await Dash.RunAsync(server, "alice", "session", "start", "notebook-9000");

        refused.ExitCode.Should().NotBe(0);
        refused.Error.Should().Contain("jupyter").And.Contain("web");
    }

    [GeneratedRegex(@"^Session (\d+) \(jupyter\) ", RegexOptions.Multiline)]
    private static partial Regex StartedLine();
}
