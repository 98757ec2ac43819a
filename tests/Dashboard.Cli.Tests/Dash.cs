using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Cli.Tests;

/// <summary>What one run of dash printed and exited with.</summary>
public sealed record DashRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>
/// Runs dash in-process, as the process would (its entry point with a captured terminal and environment), on a clock
/// that stands still unless a test moves it: against the real server no command has any reason to wait on the clock.
/// </summary>
public static class Dash
{
    /// <summary>Where the standing clock of a run stands.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 13, 37, 5, TimeSpan.Zero);

    public static async Task<DashRun> RunAsync(DashServer server, string? user, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(server);
        var environment = new Dictionary<string, string?>
        {
            [ServerAddress.ServerVariable] = server.Address.ToString(),
            [ServerAddress.TokenVariable] = user is null ? null : server.TokenOf(user),
        };
        return await RunAsync(environment, args);
    }

    public static async Task<DashRun> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(environment);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await DashApp.RunAsync(args, new Terminal(output, error), name => environment.GetValueOrDefault(name), new FakeTimeProvider(Now), cancellationToken: TestContext.Current.CancellationToken);
        return new DashRun(code, output.ToString(), error.ToString());
    }
}
