using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Cli.Tests;

/// <summary>
/// A fake clock that tells the test each time code starts waiting on it, and for how long: the test moves the clock only
/// once the wait is armed, so the move is never lost, and it sees every wait's length.
/// </summary>
public sealed class WatchedClock(DateTimeOffset start) : FakeTimeProvider(start)
{
    private readonly Channel<TimeSpan> waits = Channel.CreateUnbounded<TimeSpan>();

    /// <summary>Whether a wait has been armed that the test has not taken yet.</summary>
    public bool HasUntakenWait => waits.Reader.TryPeek(out _);

    /// <summary>The length of the next wait armed on this clock (waiting for one, within the tests' patience).</summary>
    public async Task<TimeSpan> NextWaitAsync() =>
        await waits.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        waits.Writer.TryWrite(dueTime);
        return timer;
    }
}
