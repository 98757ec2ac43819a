using Dashboard.Engine.Elastic;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Engine.Tests.Elastic;

/// <summary>The one retry pipeline every provider call goes through: attempts, doubling back-off on the injected clock, what is reported.</summary>
public sealed class ProviderRetryTests
{
    private readonly List<FailedAttempt> reported = [];
    private int calls;

    [Fact]
    public async Task Every_attempt_but_the_last_is_reported_and_waited_out_with_the_back_off_doubling_and_the_last_failure_is_the_outcome()
    {
        var clock = new DelayRecordingClock();

        var outcome = await FailEveryAttempt(attempts: 3, clock);

        calls.Should().Be(3);
        outcome.Should().Be(new ProviderOutcome<int>(0, "no capacity (attempt 3)", false));
        reported.Should().Equal(
            new FailedAttempt(1, 3, "no capacity (attempt 1)", TimeSpan.FromSeconds(5)),
            new FailedAttempt(2, 3, "no capacity (attempt 2)", TimeSpan.FromSeconds(10)));
        clock.Delays.Should().Equal(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_call_that_answers_after_a_failed_attempt_gives_its_answer()
    {
        var retry = Retry(Pool(attempts: 3, backoff: TimeSpan.FromSeconds(5)), new DelayRecordingClock());

        var outcome = await retry.RunAsync("burst", _ => ++calls == 1 ? Fail<int>() : Task.FromResult(42), Report, TestContext.Current.CancellationToken);

        outcome.Should().Be(new ProviderOutcome<int>(42, null, false));
        reported.Should().ContainSingle().Which.Attempt.Should().Be(1);
    }

    [Fact]
    public async Task A_pool_of_one_attempt_calls_once_and_reports_no_retry()
    {
        var clock = new DelayRecordingClock();

        var outcome = await FailEveryAttempt(attempts: 1, clock);

        calls.Should().Be(1);
        outcome.Failure.Should().Be("no capacity (attempt 1)");
        reported.Should().BeEmpty();
        clock.Delays.Should().BeEmpty();
    }

    [Fact]
    public async Task Stopping_the_engine_during_the_back_off_ends_the_call_as_cancelled_without_another_attempt()
    {
        using var stopping = new CancellationTokenSource();
        var retry = Retry(Pool(attempts: 3, backoff: TimeSpan.FromSeconds(5)), new FakeTimeProvider());

        var outcome = await retry.RunAsync("burst", _ => Fail<int>(), failed =>
        {
            stopping.Cancel();
            return Report(failed);
        }, stopping.Token);

        outcome.Cancelled.Should().BeTrue();
        outcome.Failure.Should().BeNull();
        calls.Should().Be(1);
    }

    private Task<ProviderOutcome<int>> FailEveryAttempt(int attempts, TimeProvider clock) =>
        Retry(Pool(attempts, TimeSpan.FromSeconds(5)), clock).RunAsync("burst", _ => Fail<int>(), Report, TestContext.Current.CancellationToken);

    private static ElasticPoolOptions Pool(int attempts, TimeSpan backoff)
    {
        var pool = ElasticTestPools.Burst();
        pool.Attempts = attempts;
        pool.RetryBackoff = backoff;
        return pool;
    }

    private static ProviderRetry Retry(ElasticPoolOptions pool, TimeProvider clock) => new([pool], clock, NullLogger.Instance);

    private Task<T> Fail<T>() => Task.FromException<T>(new ElasticProviderException($"no capacity (attempt {++calls})"));

    private ValueTask Report(FailedAttempt failed)
    {
        reported.Add(failed);
        return ValueTask.CompletedTask;
    }

    /// <summary>A clock whose timers fire at once, keeping every delay it was asked for: the waits a call made, without waiting.</summary>
    private sealed class DelayRecordingClock : TimeProvider
    {
        private readonly List<TimeSpan> delays = [];

        public IReadOnlyList<TimeSpan> Delays
        {
            get
            {
                lock (delays)
                {
                    return [.. delays];
                }
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (delays)
            {
                delays.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, period);
        }
    }
}
