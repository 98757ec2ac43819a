using System.CommandLine;
using Dashboard.Cli.Commands;

namespace Dashboard.Cli;

/// <summary>
/// <c>dash</c>: parses the command line, runs one command against the server and returns its exit code. Everything it
/// needs from outside comes in (the terminal, the environment, the clock, optionally the HTTP handler), so tests run it
/// in-process.
/// </summary>
public sealed class DashApp
{
    public DashApp(Terminal terminal, Func<string, string?> environment, TimeProvider time, HttpMessageHandler? handler = null)
    {
        Terminal = terminal;
        Environment = environment;
        Time = time;
        Handler = handler;
    }

    public Terminal Terminal { get; }

    public Func<string, string?> Environment { get; }

    /// <summary>The clock: the times watch prints, and the waits of <c>logs -f</c> between asks.</summary>
    public TimeProvider Time { get; }

    public HttpMessageHandler? Handler { get; }

    public Option<string?> ServerOption { get; } = new("--server")
    {
        Description = $"The dashboard's URL (default: ${ServerAddress.ServerVariable}, else {ServerAddress.DefaultUrl})",
        Recursive = true,
    };

    public Option<string?> TokenOption { get; } = new("--token")
    {
        Description = $"A personal API token from the dashboard's /account/tokens page (default: ${ServerAddress.TokenVariable})",
        Recursive = true,
    };

    public Option<bool> JsonOption { get; } = new("--json")
    {
        Description = "Print the server's answer as JSON (one object per line for watch)",
        Recursive = true,
    };

    public static Task<int> RunAsync(string[] args, Terminal terminal, Func<string, string?> environment, TimeProvider time, HttpMessageHandler? handler = null, CancellationToken cancellationToken = default) =>
        new DashApp(terminal, environment, time, handler).RunAsync(args, cancellationToken);

    public async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var root = Root();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Terminal.Error.WriteLineAsync("dash: " + error.Message).ConfigureAwait(false);
            }

            await Terminal.Error.WriteLineAsync("Run 'dash --help' (or 'dash COMMAND --help') for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = Terminal.Out, Error = Terminal.Error }, cancellationToken).ConfigureAwait(false);
    }

    public RootCommand Root()
    {
        var root = new RootCommand("dash: submit, list, watch and cancel jobs on a Compute Dashboard from a terminal.\n\n" + ExitCodes.HelpText);
        root.Options.Add(ServerOption);
        root.Options.Add(TokenOption);
        root.Options.Add(JsonOption);
        root.Subcommands.Add(SubmitCommand.Create(this));
        root.Subcommands.Add(ListCommand.Create(this));
        root.Subcommands.Add(ShowCommand.Create(this));
        root.Subcommands.Add(CancelCommand.Create(this));
        root.Subcommands.Add(HoldCommand.CreateHold(this));
        root.Subcommands.Add(HoldCommand.CreateRelease(this));
        root.Subcommands.Add(EditCommand.Create(this));
        root.Subcommands.Add(EditCommand.CreateRequeue(this));
        root.Subcommands.Add(TemplateCommand.Create(this));
        root.Subcommands.Add(SweepCommand.Create(this));
        root.Subcommands.Add(LogsCommand.Create(this));
        root.Subcommands.Add(StatusCommand.Create(this));
        root.Subcommands.Add(WatchCommand.Create(this));
        root.Subcommands.Add(NotificationsCommand.Create(this));
        root.Subcommands.Add(SessionCommand.Create(this));
        root.Subcommands.Add(ReservationCommand.Create(this));
        return root;
    }

    /// <summary>The server address from the parsed flags and the environment, or null after saying why on stderr.</summary>
    public ServerAddress? Server(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        var server = ServerAddress.From(parsed.GetValue(ServerOption), parsed.GetValue(TokenOption), Environment, out var error);
        if (server is null)
        {
            Terminal.Error.WriteLine("dash: " + error);
        }

        return server;
    }

    public bool Json(ParseResult parsed) => parsed?.GetValue(JsonOption) ?? false;

    /// <summary>Runs <paramref name="body"/> with a client for the parsed server (usage error when the address is bad).</summary>
    public async Task<int> WithClientAsync(ParseResult parsed, Func<ApiClient, Task<int>> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (Server(parsed) is not { } server)
        {
            return ExitCodes.Usage;
        }

        using var client = new ApiClient(server, Handler);
        return await body(client).ConfigureAwait(false);
    }

    /// <summary>Prints a failed answer's message on stderr and returns its exit code.</summary>
    public int Fail<T>(ApiResult<T> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        Terminal.Error.WriteLine("dash: " + result.Message);
        return result.ExitCode;
    }

    /// <summary>Prints a usage error on stderr: exit code 2.</summary>
    public int Usage(string message)
    {
        Terminal.Error.WriteLine("dash: " + message);
        return ExitCodes.Usage;
    }

    /// <summary>The server's JSON, indented, on stdout.</summary>
    public void WriteJson(string json) => Terminal.Out.WriteLine(Indented(json));

    public static string Indented(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return System.Text.Json.JsonSerializer.Serialize(document.RootElement, IndentedJson);
    }

    private static readonly System.Text.Json.JsonSerializerOptions IndentedJson = new() { WriteIndented = true };
}
