namespace Dashboard.Cli;

/// <summary>The dash executable: the console, the environment and the system clock, handed to <see cref="DashApp"/>.</summary>
public static class DashProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        return await DashApp.RunAsync(args, new Terminal(Console.Out, Console.Error, outputIsTerminal: !Console.IsOutputRedirected), Environment.GetEnvironmentVariable, TimeProvider.System, cancellationToken: stop.Token).ConfigureAwait(false);
    }
}
