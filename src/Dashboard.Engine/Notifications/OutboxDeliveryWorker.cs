using System.Threading.Channels;
using Dashboard.Data.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Dashboard.Engine.Notifications;

/// <summary>
/// Sends the notification outbox, off the engine's writer: wakes when the engine queued notifications (or when the
/// next retry is due, or every <see cref="DeliveryOptions.PollInterval"/>), sends each due delivery through its
/// channel with Polly's retry (exponential backoff on the injected clock), then marks it delivered once, or records
/// the error and the next round's time (doubling), giving up after <see cref="DeliveryOptions.Rounds"/>. Sending comes
/// before marking, so a crash between the two is the one case where a delivery is sent twice (with the same
/// idempotency key); nothing is marked that was not sent, so nothing is lost.
/// </summary>
public sealed class OutboxDeliveryWorker : BackgroundService
{
    private readonly NotificationOutbox outbox;
    private readonly Dictionary<Data.Notifications.NotificationChannel, INotificationSender> senders;
    private readonly DeliveryOptions options;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly ResiliencePipeline pipeline;
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public OutboxDeliveryWorker(NotificationOutbox outbox, IEnumerable<INotificationSender> senders, DeliveryOptions options, TimeProvider time, ILogger<OutboxDeliveryWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.outbox = outbox;
        this.senders = senders.ToDictionary(s => s.Channel);
        this.options = options;
        this.time = time;
        this.logger = logger;
        pipeline = options.AttemptsPerRound <= 1
            ? ResiliencePipeline.Empty
            : new ResiliencePipelineBuilder { TimeProvider = time }
                .AddRetry(new RetryStrategyOptions
                {
                    MaxRetryAttempts = options.AttemptsPerRound - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    Delay = options.RetryDelay,
                    UseJitter = false,
                    ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException and not UndeliverableException),
                    OnRetry = arguments =>
                    {
                        DeliveryLog.AttemptFailed(logger, arguments.AttemptNumber + 1, arguments.Outcome.Exception?.Message ?? "", arguments.RetryDelay);
                        return ValueTask.CompletedTask;
                    },
                })
                .Build();
    }

    /// <summary>Raised after a delivery was sent and marked delivered.</summary>
    public event Action<OutboxMessage>? Delivered;

    /// <summary>Asks the worker to look at the outbox now (the engine queued something).</summary>
    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>Sends every delivery due now, one after another; returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        var delivered = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var due = outbox.Due(time.GetUtcNow(), options.BatchSize);
            foreach (var message in due)
            {
                if (await DeliverAsync(message, cancellationToken).ConfigureAwait(false))
                {
                    delivered++;
                }
            }

            if (due.Count < options.BatchSize)
            {
                break;
            }
        }

        return delivered;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = options.PollInterval;
            try
            {
                await DeliverDueAsync(stoppingToken).ConfigureAwait(false);
                if (outbox.NextDue() is { } next)
                {
                    var untilNext = next - time.GetUtcNow();
                    wait = untilNext < wait ? untilNext : wait;
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The database may be busy or the disk full for a while: try again after the poll interval, never stop the host.
                DeliveryLog.PassFailed(logger, error);
            }

            if (wait > TimeSpan.Zero)
            {
                using var sleeping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                var delay = Task.Delay(wait, time, sleeping.Token);
                await Task.WhenAny(delay, wake.Reader.WaitToReadAsync(stoppingToken).AsTask()).ConfigureAwait(false);
                await sleeping.CancelAsync().ConfigureAwait(false);
                wake.Reader.TryRead(out _);
            }
        }
    }

    private async Task<bool> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        string error;
        var permanent = false;
        try
        {
            if (!senders.TryGetValue(message.Channel, out var sender))
            {
                throw new UndeliverableException($"{Data.Notifications.NotificationNames.Of(message.Channel)} is not set up on this server");
            }

            await pipeline.ExecuteAsync(async token => await sender.SendAsync(message, token).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            outbox.MarkDelivered(message.Id, time.GetUtcNow());
            Delivered?.Invoke(message);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (UndeliverableException refused)
        {
            error = refused.Message;
            permanent = true;
        }
        catch (Exception failed)
        {
            error = failed.Message;
        }

        var round = message.Attempts + 1;
        var now = time.GetUtcNow();
        DateTimeOffset? next = permanent || round >= options.Rounds ? null : now + RoundDelay(round);
        outbox.MarkFailed(message.Id, error.Length > 500 ? error[..500] : error, next, now);
        DeliveryLog.DeliveryFailed(logger, message.IdempotencyKey, round, error, next);
        return false;
    }

    /// <summary>The wait after failed round <paramref name="round"/> (1, 2, ...): RoundDelay doubled each round, at most MaxRoundDelay.</summary>
    public TimeSpan RoundDelay(int round)
    {
        var doubled = options.RoundDelay * Math.Pow(2, Math.Min(round - 1, 30));
        return doubled < options.MaxRoundDelay ? doubled : options.MaxRoundDelay;
    }
}

internal static partial class DeliveryLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Notification delivery attempt {Attempt} failed ({Message}); trying again in {Delay}")]
    public static partial void AttemptFailed(ILogger logger, int attempt, string message, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification delivery {Key} failed in round {Round}: {Error}; next round at {Next} (none: given up)")]
    public static partial void DeliveryFailed(ILogger logger, string key, int round, string error, DateTimeOffset? next);

    [LoggerMessage(Level = LogLevel.Error, Message = "A notification delivery pass failed")]
    public static partial void PassFailed(ILogger logger, Exception error);
}
