namespace Dashboard.Cli.Tests;

/// <summary>What one run of dash printed and exited with.</summary>
public sealed record DashRun(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Out}\nstderr:\n{Error}";
}

/// <summary>Runs dash in-process, as the process would (its entry point with a captured terminal and environment).</summary>
public static class Dash
{
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
        var code = await DashApp.RunAsync(args, new Terminal(output, error), name => environment.GetValueOrDefault(name), cancellationToken: TestContext.Current.CancellationToken);
        return new DashRun(code, output.ToString(), error.ToString());
    }
}
