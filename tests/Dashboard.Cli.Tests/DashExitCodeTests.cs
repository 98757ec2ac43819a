namespace Dashboard.Cli.Tests;

/// <summary>The exit codes and messages scripts rely on, each produced by a real server (or a real refused connection).</summary>
[Collection(nameof(SharedDashServer))]
public sealed class DashExitCodeTests(DashServer server)
{
    [Fact]
    public async Task A_wrong_token_exits_5_with_a_message_saying_so_and_no_token_says_how_to_give_one()
    {
        var wrong = await Dash.RunAsync(new Dictionary<string, string?> { ["DASH_SERVER"] = server.Address.ToString() }, "ls", "--token", "dash_not-a-real-token");
        wrong.ExitCode.Should().Be(ExitCodes.Unauthorized);
        wrong.Out.Should().BeEmpty();
        wrong.Error.Should().Contain("refused the token");

        var none = await Dash.RunAsync(server, null, "status");
        none.ExitCode.Should().Be(ExitCodes.Unauthorized);
        none.Error.Should().Contain("--token or DASH_TOKEN");

        var watch = await Dash.RunAsync(new Dictionary<string, string?> { ["DASH_SERVER"] = server.Address.ToString(), ["DASH_TOKEN"] = "dash_wrong" }, "watch");
        watch.ExitCode.Should().Be(ExitCodes.Unauthorized, watch.ToString());
    }

    [Fact]
    public async Task Refusals_not_found_forbidden_usage_and_unreachable_each_have_their_code()
    {
        var invalid = await Dash.RunAsync(server, "alice", "submit", "--cpus", "0", "--team", "vision", "--", "true");
        invalid.ExitCode.Should().Be(ExitCodes.Refused, invalid.ToString());
        invalid.Error.Should().MatchRegex(@"\n  cpu: ", "a field error is printed under the problem's detail");

        var notMine = await Dash.RunAsync(server, "alice", "submit", "--team", "nlp", "--", "true");
        notMine.ExitCode.Should().Be(ExitCodes.Forbidden, notMine.ToString());
        notMine.Error.Should().Be("dash: You are not a member of team nlp: you can submit to vision.\n", "the server's problem detail, plainly");

        var bobs = await Dash.RunAsync(server, "bob", "submit", "--json", "--team", "nlp", "--time", "1h", "--", "sleep 600");
        bobs.ExitCode.Should().Be(0, bobs.ToString());
        var bobsJob = System.Text.Json.JsonDocument.Parse(bobs.Out).RootElement.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var forbidden = await Dash.RunAsync(server, "alice", "cancel", bobsJob);
        forbidden.ExitCode.Should().Be(ExitCodes.Forbidden, forbidden.ToString());
        (await Dash.RunAsync(server, "bob", "show", bobsJob, "--json")).Out.Should().Contain("\"state\"").And.NotContain("Cancelled", "alice's cancel changed nothing");
        (await Dash.RunAsync(server, "bob", "cancel", bobsJob)).ExitCode.Should().Be(0);

        var missing = await Dash.RunAsync(server, "admin", "show", "987654321");
        missing.ExitCode.Should().Be(ExitCodes.NotFound);
        missing.Error.Should().Contain("There is no job 987654321");

        var usage = await Dash.RunAsync(server, "alice", "submit", "--mem", "lots", "--team", "vision", "--", "true");
        usage.ExitCode.Should().Be(ExitCodes.Usage);
        usage.Error.Should().Contain("--mem 'lots' is not a size");
        (await Dash.RunAsync(server, "alice", "frobnicate")).ExitCode.Should().Be(ExitCodes.Usage);
        (await Dash.RunAsync(server, "alice", "show")).ExitCode.Should().Be(ExitCodes.Usage, "the id is missing");
        (await Dash.RunAsync(server, "alice", "status", "--server", "ftp://example")).ExitCode.Should().Be(ExitCodes.Usage);

        var unreachable = await Dash.RunAsync(server, "alice", "status", "--server", "http://127.0.0.1:1");
        unreachable.ExitCode.Should().Be(ExitCodes.Unreachable);
        unreachable.Error.Should().Contain("cannot reach the server at http://127.0.0.1:1/");
    }

    [Fact]
    public async Task Help_lists_the_commands_and_the_exit_codes()
    {
        var help = await Dash.RunAsync(server, null, "--help");

        help.ExitCode.Should().Be(0);
        help.Out.Should().Contain("submit").And.Contain("watch").And.Contain("Exit codes: 0 done; 1 the server refused")
            .And.Contain("5 not signed in").And.Contain("DASH_TOKEN");
    }
}
