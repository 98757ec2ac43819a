namespace Dashboard.Cli.Tests;

/// <summary>A captured stderr that says when dash reports it is connected and watching.</summary>
public sealed class WatchingWriter : StringWriter
{
    private readonly TaskCompletionSource connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Connected => connected.Task;

    public override void WriteLine(string? value)
    {
        base.WriteLine(value);
        Notice(value);
    }

    public override Task WriteLineAsync(string? value)
    {
        Notice(value);
        return base.WriteLineAsync(value);
    }

    private void Notice(string? value)
    {
        if (value?.StartsWith("Watching ", StringComparison.Ordinal) == true)
        {
            connected.TrySetResult();
        }
    }
}
