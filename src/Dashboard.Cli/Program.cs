using Dashboard.Cli;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

return await DashApp.RunAsync(args, new Terminal(Console.Out, Console.Error), Environment.GetEnvironmentVariable, cancellationToken: stop.Token);
