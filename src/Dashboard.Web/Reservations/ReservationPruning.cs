using System.Globalization;
using Dashboard.Data.Reservations;

namespace Dashboard.Web.Reservations;

/// <summary>
/// Removes ended bookings once they are older than <c>Reservations:KeepEndedDays</c> (default 100, the usage history's
/// hour-level retention), at start and then daily: one-off bookings only, and only those no job was submitted into
/// (the job history keeps those rows). See <see cref="ReservationStore.PruneEnded"/>.
/// </summary>
public sealed partial class ReservationPruning(ReservationStore store, IConfiguration configuration, TimeProvider time, ILogger<ReservationPruning> logger)
    : BackgroundService
{
    public const int DefaultKeepEndedDays = 100;

    private static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    /// <summary>How long an ended booking is kept: <c>Reservations:KeepEndedDays</c> (whole days, at least 1), or the default.</summary>
    public TimeSpan KeepEnded =>
        TimeSpan.FromDays(int.TryParse(configuration["Reservations:KeepEndedDays"], NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days >= 1 ? days : DefaultKeepEndedDays);

    /// <summary>Prunes once, now; returns how many bookings were removed.</summary>
    public int PruneNow() => store.PruneEnded(time.GetUtcNow() - KeepEnded);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            do
            {
                try
                {
                    var removed = PruneNow();
                    if (removed > 0)
                    {
                        LogPruned(logger, removed);
                    }
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // A failed prune (the database busy) must not stop the host: the next day tries again.
                    LogPruneFailed(logger, error);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} ended reservations older than the retention")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ended reservations could not be pruned; the next day tries again")]
    private static partial void LogPruneFailed(ILogger logger, Exception error);
}
