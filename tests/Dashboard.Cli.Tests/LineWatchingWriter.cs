namespace Dashboard.Cli.Tests;

/// <summary>A captured stdout that says when dash has printed a line a test is waiting for.</summary>
public sealed class LineWatchingWriter : StringWriter
{
    private readonly Lock gate = new();
    private readonly List<string> lines = [];
    private readonly List<(Func<string, bool> Wanted, TaskCompletionSource<string> Seen)> waits = [];

    /// <summary>The first line (printed already or later) that <paramref name="wanted"/> accepts.</summary>
    public Task<string> LineAsync(Func<string, bool> wanted)
    {
        lock (gate)
        {
            if (lines.FirstOrDefault(wanted) is { } line)
            {
                return Task.FromResult(line);
            }

            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            waits.Add((wanted, seen));
            return seen.Task;
        }
    }

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
        var line = value ?? string.Empty;
        lock (gate)
        {
            lines.Add(line);
            foreach (var wait in waits.Where(w => w.Wanted(line)).ToList())
            {
                wait.Seen.TrySetResult(line);
                waits.Remove(wait);
            }
        }
    }
}
