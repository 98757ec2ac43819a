using Dashboard.Engine.Loop;
using Microsoft.Extensions.Hosting;

namespace Dashboard.Engine.Inventory;

/// <summary>
/// Looks at this host again every <see cref="ClusterOptions.RefreshInterval"/>: a GPU that appeared or disappeared
/// (a driver reload, a card taken out) reaches the engine as an inventory command. Demo nodes do not change.
/// </summary>
public sealed class InventoryRefresher(ClusterOptions options, ClusterEngine engine, EngineLoop loop, TimeProvider time) : BackgroundService
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
        var inventory = new LocalHostInventory(options);
        using var timer = new PeriodicTimer(options.RefreshInterval, time);
        armed.TrySetResult();
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            var local = await inventory.DiscoverLocalAsync(stoppingToken).ConfigureAwait(false);
            await engine.ReportInventoryAsync(local).ConfigureAwait(false);
        }
    }
}
