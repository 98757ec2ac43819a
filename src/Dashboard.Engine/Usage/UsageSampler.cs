using Dashboard.Data.UsageHistory;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Accounting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Usage;

/// <summary>
/// Every <see cref="UsageOptions.SampleInterval"/> (on the injected clock) samples the engine's newest published
/// snapshot, writes the samples through <see cref="UsageHistoryStore"/> and rolls the jobs released since into the
/// job-day roll-ups, and after each completed hour rolls up and applies retention. It never touches cluster state and never waits for the engine: it reads what the engine
/// published. A failed sample is logged and the next one tried; history never stops the dashboard.
/// </summary>
public sealed partial class UsageSampler(
    ClusterFeed feed,
    UsageHistoryStore store,
    IGpuReadingSource readings,
    UsageOptions options,
    TimeProvider time,
    ILogger<UsageSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);
    private DateTimeOffset? lastMinute;
    private DateTimeOffset? rolledHour;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        RollUp(time.GetUtcNow());
        using var timer = new PeriodicTimer(options.SampleInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await SampleAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogSampleFailed(logger, error);
            }
        }
    }

    /// <summary>
    /// Takes the sample of the minute holding <paramref name="now"/> (and of the minutes since the last sample, up
    /// to one interval back), writes it, and rolls up when an hour has completed since the last roll-up.
    /// Returns the samples written (none before the engine has published).
    /// </summary>
    public async Task<MinuteSamples?> SampleAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var minute = UsageSplit.AlignDown(now, Minute);
        if (feed.Current is not { } current || minute == lastMinute)
        {
            return null;
        }

        var measured = await readings.ReadAsync(cancellationToken).ConfigureAwait(false);
        var samples = UtilisationSampling.Sample(current.Snapshot, minute, measured);
        var first = lastMinute is { } last && minute - last <= options.SampleInterval ? last + Minute : minute;
        var all = new List<MinuteSamples>();
        for (var m = first; m < minute; m += Minute)
        {
            all.Add(UtilisationSampling.At(samples, m));
        }

        all.Add(samples);
        store.WriteSamples(all);
        store.RollUpJobDays();
        lastMinute = minute;
        if (UsageSplit.AlignDown(now, TimeSpan.FromHours(1)) != rolledHour)
        {
            RollUp(now);
        }

        return samples;
    }

    private void RollUp(DateTimeOffset now)
    {
        try
        {
            store.RollUp(now);
            store.ApplyRetention(now, options.Retention);
            rolledHour = UsageSplit.AlignDown(now, TimeSpan.FromHours(1));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogRollupFailed(logger, error);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A utilisation sample could not be taken or saved; the next one will be tried")]
    private static partial void LogSampleFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Utilisation roll-up or retention failed; it is tried again after the next hour")]
    private static partial void LogRollupFailed(ILogger logger, Exception error);
}
