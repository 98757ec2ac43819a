using System.Net;
using System.Text;

namespace Dashboard.Cli.Tests;

/// <summary>
/// dash against a server that is not what it should be (a wrong --server, a proxy, a compromised host): what it prints
/// never drives the terminal, and an endless or broken answer ends in one plain error instead of exhausting memory.
/// </summary>
public sealed class HostileServerTests
{
    private const string Escapes = "\u001b]52;c;ZWNobyBwd25lZA==\u0007\u001b[2J\u009b31m\u202e";

    [Fact]
    public async Task Escape_sequences_in_a_jobs_text_reach_the_terminal_as_visible_text()
    {
        var server = new ScriptedServer();
        var run = Run(server, "show", "7");

        (await server.NextAsync()).Json(JobJson(name: "train" + Escapes, reason: "exited" + Escapes));

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        result.ExitCode.Should().Be(ExitCodes.Ok, result.ToString());
        result.Out.Should().Contain("train\\u001b]52;c;ZWNobyBwd25lZA==\\u0007\\u001b[2J\\u009b31m\\u202e");
        NoControl(result.Out);
    }

    [Fact]
    public async Task Escape_sequences_in_a_refusal_reach_the_terminal_as_visible_text()
    {
        var server = new ScriptedServer();
        var run = Run(server, "cancel", "7");

        var request = await server.NextAsync();
        request.Answer.SetResult(new HttpResponseMessage(HttpStatusCode.Conflict)
        {
            Content = new StringContent($$$"""{"title":"no","detail":"refused{{{Json(Escapes)}}}","errors":{"name{{{Json(Escapes)}}}":["bad{{{Json(Escapes)}}}"]}}""", Encoding.UTF8, "application/problem+json"),
        });

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        result.ExitCode.Should().Be(ExitCodes.Refused, result.ToString());
        result.Error.Should().Contain("refused\\u001b]52;");
        NoControl(result.Error);
    }

    [Fact]
    public async Task An_endless_answer_ends_in_a_plain_error_at_the_size_limit()
    {
        var server = new ScriptedServer();
        var run = Run(server, "show", "7");

        var request = await server.NextAsync();
        var endless = new EndlessJson();
        request.Answer.SetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(endless) { Headers = { { "Content-Type", "application/json" } } } });

        var result = await run.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        result.ExitCode.Should().Be(ExitCodes.Refused, result.ToString());
        result.Error.Should().Be($"dash: the server at {ScriptedServer.Address} answered more than 64 MiB, which is not the dashboard's API (is --server right?)\n");
        endless.Served.Should().BeLessThan(ApiClient.MaxAnswerBytes + (1 << 20), "dash stopped reading at the limit");
    }

    [Fact]
    public async Task An_answer_that_announces_a_huge_length_is_refused_before_reading_it()
    {
        var server = new ScriptedServer();
        var run = Run(server, "show", "7");

        var request = await server.NextAsync();
        var content = new StringContent("{}", Encoding.UTF8, "application/json");
        content.Headers.ContentLength = 1L << 40;
        request.Answer.SetResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        result.ExitCode.Should().Be(ExitCodes.Refused, result.ToString());
        result.Error.Should().Contain("answered more than 64 MiB");
    }

    [Fact]
    public async Task Deeply_nested_or_broken_json_is_a_plain_error()
    {
        foreach (var body in new[] { new string('[', 100_000), "{\"id\": 7, \"name\": \"x\"", "\u0000\u0001" })
        {
            var server = new ScriptedServer();
            var run = Run(server, "show", "7");
            (await server.NextAsync()).Json(body);

            var result = await run.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            result.ExitCode.Should().Be(ExitCodes.Refused, result.ToString());
            result.Error.Should().Be($"dash: the server at {ScriptedServer.Address} answered something that is not the dashboard's API (is --server right?)\n");
        }
    }

    private static void NoControl(string text) =>
        text.Where(c => (char.IsControl(c) && c is not '\n') || c is '\u202e').Should().BeEmpty("no control character from the server reaches the terminal");

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text)[1..^1];

    private static string JobJson(string name, string reason) => $$"""
        {"id":7,"name":"{{Json(name)}}","owner":"alice","team":"vision","state":"Failed","command":"echo {{Json(Escapes)}}",
         "request":{"gpus":0,"gpuModel":null,"cpu":1,"cpuLimit":null,"memory":1,"memoryLimit":null,"walltime":null,"walltimeSeconds":null,"priority":0},
         "submittedAt":"2026-11-29T13:00:00Z","startedAt":null,"endedAt":"2026-11-29T13:10:00Z","exitCode":1,"endReason":"{{Json(reason)}}",
         "allocation":null,"pending":null,"simulated":false}
        """;

    private static async Task<DashRun> Run(ScriptedServer server, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new Dictionary<string, string?> { [ServerAddress.ServerVariable] = ScriptedServer.Address.ToString(), [ServerAddress.TokenVariable] = "dash_scripted" };
        var code = await DashApp.RunAsync(args, new Terminal(output, error), name => environment.GetValueOrDefault(name), new WatchedClock(Dash.Now), server, TestContext.Current.CancellationToken);
        return new DashRun(code, output.ToString(), error.ToString());
    }

    /// <summary>A JSON array that never ends, counting what it served.</summary>
    private sealed class EndlessJson : Stream
    {
        public long Served { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Served; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Served == 0 && count > 0)
            {
                buffer[offset] = (byte)'[';
                Served = 1;
                return 1;
            }

            buffer.AsSpan(offset, count).Fill((byte)' ');
            Served += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>
/// <c>dash logs</c> on a terminal: a job's output keeps its colours, cursor moves and progress bars, but not the
/// sequences that make the terminal do something else than draw (OSC: clipboard, title, hyperlinks; DCS, APC, PM,
/// SOS; C1 controls), which a job's owner could aim at the lead or admin who reads the log. Piped, the bytes are kept.
/// </summary>
public sealed class LogEscapeTests
{
    [Theory]
    [InlineData("\u001b[31mred\u001b[0m 10%\r20%\n", "\u001b[31mred\u001b[0m 10%\r20%\n")]
    [InlineData("a\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007b\n", "ab\n")]
    [InlineData("a\u001b]8;;http://evil.example/\u001b\\link\u001b]8;;\u001b\\b\n", "alinkb\n")]
    [InlineData("a\u001bP+q544e\u001b\\b\u001b_apc\u001b\\c\u001b^pm\u001b\\d\u001bXsos\u001b\\e", "abcde")]
    [InlineData("a\u009d0;title\u009cb\u0090dcs\u009cc\u009b31md", "abc31md")]
    public void A_terminal_gets_the_drawing_and_not_the_commands(string log, string shown)
    {
        using var output = new StringWriter();
        var terminal = new Terminal(output, TextWriter.Null, outputIsTerminal: true);

        terminal.Raw.Write(log);

        output.ToString().Should().Be(shown);
    }

    [Fact]
    public void A_sequence_split_between_two_chunks_is_still_dropped()
    {
        using var output = new StringWriter();
        var terminal = new Terminal(output, TextWriter.Null, outputIsTerminal: true);

        terminal.Raw.Write("before\u001b");
        terminal.Raw.Write("]0;spoofed ti");
        terminal.Raw.Write("tle\u0007after\n");

        output.ToString().Should().Be("beforeafter\n");
    }

    [Fact]
    public void An_unterminated_command_hides_at_most_4096_characters_of_the_log()
    {
        using var output = new StringWriter();
        var terminal = new Terminal(output, TextWriter.Null, outputIsTerminal: true);

        terminal.Raw.Write("\u001b]0;" + new string('x', 5000) + "\nvisible\n");

        output.ToString().Should().EndWith("\nvisible\n");
    }

    [Fact]
    public void Piped_the_log_is_kept_byte_for_byte()
    {
        using var output = new StringWriter();
        var terminal = new Terminal(output, TextWriter.Null);
        const string Log = "a\u001b]52;c;eA==\u0007b\u009b\n";

        terminal.Raw.Write(Log);

        output.ToString().Should().Be(Log);
    }
}
