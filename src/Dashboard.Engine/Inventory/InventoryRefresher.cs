using Dashboard.Engine.Loop;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Inventory;

/// <summary>
/// Looks at this host again every <see cref="ClusterOptions.RefreshInterval"/>: a GPU that appeared or disappeared
/// (a driver reload, a card taken out) reaches the engine as an inventory command. Demo nodes do not change.
/// </summary>
public sealed class InventoryRefresher(ClusterOptions options, ClusterEngine engine, EngineLoop loop, TimeProvider time, ILogger<InventoryRefresher> logger, LocalHostInventory? inventory = null) : BackgroundService
{
    private readonly TaskCompletionSource armed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the refresh timer runs (or when refreshing is off).</summary>
    public Task Armed => armed.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.LocalNode.Enabled || options.RefreshInterval <= TimeSpan.Zero)
        {
            armed.TrySetResult();
            return;
        }

        await loop.Started.WaitAsync(stoppingToken).ConfigureAwait(false);
        var host = inventory ?? new LocalHostInventory(options);
        using var timer = new PeriodicTimer(options.RefreshInterval, time);
        armed.TrySetResult();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                // A failed read of nvidia-smi is not "no GPUs": the node is left as it is until a read succeeds.
                if (await host.TryDiscoverLocalAsync(stoppingToken).ConfigureAwait(false) is { } local)
                {
                    await engine.ReportInventoryAsync(local).ConfigureAwait(false);
                }
                else
                {
                    InventoryLog.ReadFailed(logger, string.Join("; ", host.Warnings));
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                InventoryLog.RefreshFailed(logger, error);
            }
        }
    }
}

internal static partial class InventoryLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "This host's inventory could not be read; the node is left as it is: {Reason}")]
    public static partial void ReadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "This host's inventory could not be refreshed; trying again at the next interval")]
    public static partial void RefreshFailed(ILogger logger, Exception error);
}
