using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Dashboard.Engine.Elastic;

/// <summary>One failed attempt of a provider call that will be tried again after <see cref="Delay"/>.</summary>
internal sealed record FailedAttempt(int Attempt, int Attempts, string Message, TimeSpan Delay);

/// <summary>
/// How a provider call ended: with <see cref="Value"/>, failed in every attempt (<see cref="Failure"/>: the last
/// attempt's message), or <see cref="Cancelled"/> because the engine is stopping.
/// </summary>
internal readonly record struct ProviderOutcome<T>(T? Value, string? Failure, bool Cancelled);

/// <summary>
/// The one resilience pipeline every call to a pool's provider goes through (Polly): the pool's
/// <see cref="ElasticPoolOptions.Attempts"/>, whatever the provider throws counting as a failed attempt, with
/// <see cref="ElasticPoolOptions.RetryBackoff"/> doubling after each, waited on the injected clock. Each failed attempt is
/// logged and, before the wait, handed to the caller's <c>onRetry</c>.
/// </summary>
internal sealed class ProviderRetry
{
    private static readonly ResiliencePropertyKey<Func<FailedAttempt, ValueTask>> OnRetryKey = new("dashboard.elastic.on-retry");

    private readonly Dictionary<string, ResiliencePipeline> pipelines;
    private readonly Dictionary<string, int> attempts;
    private readonly ILogger logger;

    public ProviderRetry(IEnumerable<ElasticPoolOptions> pools, TimeProvider time, ILogger logger)
    {
        var list = pools.ToList();
        pipelines = list.ToDictionary(p => p.Name, p => Pipeline(p, time, logger), StringComparer.Ordinal);
        attempts = list.ToDictionary(p => p.Name, p => p.Attempts, StringComparer.Ordinal);
        this.logger = logger;
    }

    /// <summary>Calls <paramref name="call"/> through <paramref name="pool"/>'s pipeline.</summary>
    public async Task<ProviderOutcome<T>> RunAsync<T>(string pool, Func<CancellationToken, Task<T>> call, Func<FailedAttempt, ValueTask> onRetry, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(OnRetryKey, onRetry);
        try
        {
            var value = await pipelines[pool].ExecuteAsync(
                static async (context, call) => await call(context.CancellationToken).ConfigureAwait(false), context, call).ConfigureAwait(false);
            return new ProviderOutcome<T>(value, null, false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new ProviderOutcome<T>(default, null, true);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            // Whatever a provider throws is its failure: the nodes must not stay Provisioning for ever.
            ElasticLog.AttemptFailed(logger, pool, attempts[pool], attempts[pool], error.Message);
            return new ProviderOutcome<T>(default, error.Message, false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static ResiliencePipeline Pipeline(ElasticPoolOptions pool, TimeProvider time, ILogger logger)
    {
        if (pool.Attempts <= 1)
        {
            return ResiliencePipeline.Empty;
        }

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = pool.Attempts - 1,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(error => error is not OperationCanceledException),
                DelayGenerator = arguments => ValueTask.FromResult<TimeSpan?>(pool.RetryBackoff * (1 << arguments.AttemptNumber)),
                OnRetry = arguments =>
                {
                    var failed = new FailedAttempt(arguments.AttemptNumber + 1, pool.Attempts, arguments.Outcome.Exception?.Message ?? "no answer", arguments.RetryDelay);
                    ElasticLog.AttemptFailed(logger, pool.Name, failed.Attempt, failed.Attempts, failed.Message);
                    return arguments.Context.Properties.TryGetValue(OnRetryKey, out var report) ? report(failed) : ValueTask.CompletedTask;
                },
            })
            .Build();
    }
}

internal static partial class ElasticLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Elastic pool {Pool}: provider attempt {Attempt} of {Attempts} failed: {Message}")]
    public static partial void AttemptFailed(ILogger logger, string pool, int attempt, int attempts, string message);
}
