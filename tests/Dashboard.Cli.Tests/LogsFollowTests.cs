using Dashboard.Cli.Commands;

namespace Dashboard.Cli.Tests;

/// <summary>
/// <c>dash logs -f</c> when the server closes a follow before the job has ended: it asks again after a wait on its
/// clock that doubles while nothing new comes (at most <see cref="LogsCommand.MaxRetryDelay"/>), stops when the job
/// ends, and exits 3 when the server has gone. The server here is scripted, the clock fake: each wait is seen as it is
/// armed, and the clock moves only then.
/// </summary>
public sealed class LogsFollowTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_wait_between_asks_doubles_while_nothing_new_comes_and_is_bounded()
    {
        Enumerable.Range(0, 8).Select(LogsCommand.RetryDelay).Select(d => d.TotalSeconds)
            .Should().Equal(1, 1, 2, 4, 8, 8, 8, 8);
        LogsCommand.RetryDelay(int.MaxValue).Should().Be(LogsCommand.MaxRetryDelay);
    }

    [Fact]
    public async Task Follow_asks_again_after_a_closed_follow_backs_off_while_nothing_new_comes_and_stops_when_the_job_ends()
    {
        var server = new ScriptedServer();
        var clock = new WatchedClock(Start);
        var run = Run(server, clock, "logs", "-f", "7");

        await Logs(server, offset: 0, answer: "epoch 1\n");
        await JobState(server, "Running");
        (await clock.NextWaitAsync()).Should().Be(TimeSpan.FromSeconds(1), "new output came: the next ask is soon");
        clock.Advance(TimeSpan.FromSeconds(1));

        // Asks that bring nothing new wait 1, 2, 4, 8, then 8 seconds.
        foreach (var expected in new[] { 1, 2, 4, 8, 8 })
        {
            await Logs(server, offset: 8, answer: "");
            await JobState(server, "Running");
            var wait = await clock.NextWaitAsync();
            wait.Should().Be(TimeSpan.FromSeconds(expected));
            server.HasUnanswered.Should().BeFalse("dash waits on its clock before asking again");
            clock.Advance(wait);
        }

        await Logs(server, offset: 8, answer: "epoch 2\n");
        await JobState(server, "Running");
        (await clock.NextWaitAsync()).Should().Be(TimeSpan.FromSeconds(1), "output came again: the wait starts over");
        clock.Advance(TimeSpan.FromSeconds(1));

        await Logs(server, offset: 16, answer: "done\n");
        await JobState(server, "Succeeded");
        var last = await server.NextAsync();
        last.Path.Should().Be("/api/v1/jobs/7/logs?offset=21", "one plain read after the end picks up what the job wrote last");
        last.Text("");

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        result.ExitCode.Should().Be(ExitCodes.Ok, result.ToString());
        result.Out.Should().Be("epoch 1\nepoch 2\ndone\n");
        clock.HasUntakenWait.Should().BeFalse("an ended job is not waited for");
        server.HasUnanswered.Should().BeFalse();
    }

    [Fact]
    public async Task Follow_exits_3_when_the_server_cannot_be_reached_on_asking_again()
    {
        var server = new ScriptedServer();
        var clock = new WatchedClock(Start);
        var run = Run(server, clock, "logs", "-f", "7");

        await Logs(server, offset: 0, answer: "epoch 1\n");
        await JobState(server, "Running");
        clock.Advance(await clock.NextWaitAsync());
        (await server.NextAsync()).Refuse();

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        result.ExitCode.Should().Be(ExitCodes.Unreachable, result.ToString());
        result.Out.Should().Be("epoch 1\n", "what came before the server went stays printed");
        result.Error.Should().StartWith($"dash: cannot reach the server at {ScriptedServer.Address}").And.Contain("Connection refused");
        clock.HasUntakenWait.Should().BeFalse("dash gives up at once rather than waiting for a server that is not there");
    }

    private static async Task<DashRun> Run(ScriptedServer server, WatchedClock clock, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string?> { [ServerAddress.ServerVariable] = ScriptedServer.Address.ToString(), [ServerAddress.TokenVariable] = "dash_scripted" };
        var code = await DashApp.RunAsync(args, new Terminal(output, error), name => environment.GetValueOrDefault(name), clock, server, TestContext.Current.CancellationToken);
        return new DashRun(code, output.ToString(), error.ToString());
    }

    private static async Task Logs(ScriptedServer server, long offset, string answer)
    {
        var request = await server.NextAsync();
        request.Path.Should().Be($"/api/v1/jobs/7/logs?offset={offset}&follow=true");
        request.Token.Should().Be("dash_scripted");
        request.Text(answer);
    }

    private static async Task JobState(ScriptedServer server, string state)
    {
        var request = await server.NextAsync();
        request.Path.Should().Be("/api/v1/jobs/7");
        request.Json($$"""{"id": 7, "name": "train", "owner": "alice", "team": "vision", "state": "{{state}}"}""");
    }
}
