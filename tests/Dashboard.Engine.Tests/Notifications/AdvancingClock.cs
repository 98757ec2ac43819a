using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests.Notifications;

/// <summary>
/// A fake clock that moves itself past each wait as soon as the wait's timer exists (Polly's retry delays), recording
/// the waits: a retry's backoff is observed on the clock without a test thread racing the timer's creation.
/// </summary>
internal sealed class AdvancingClock(FakeTimeProvider fake) : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> waits = new();

    public List<TimeSpan> Waits => [.. waits];

    public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

    public override long TimestampFrequency => fake.TimestampFrequency;

    public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

    public override long GetTimestamp() => fake.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = fake.CreateTimer(callback, state, dueTime, period);
        if (dueTime > TimeSpan.Zero && dueTime != Timeout.InfiniteTimeSpan)
        {
            waits.Enqueue(dueTime);
            _ = Task.Run(() => fake.Advance(dueTime));
        }

        return timer;
    }

    public void ClearWaits() => waits.Clear();
}
