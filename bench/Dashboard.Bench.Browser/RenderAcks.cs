using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Bench.Browser;

/// <summary>
/// The render batches the browsers acknowledged (`--circuits`): a hub filter (one object for the process) that counts
/// Blazor's <c>OnRenderCompleted</c> calls, so a stretch measured with Playwright disconnected shows that every page still
/// drew and acknowledged every update (a page that stopped would leave the server rendering less, and costing less).
/// </summary>
public sealed class RenderAcks : IHubFilter
{
    private long _acknowledged;

    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        if (invocationContext.HubMethodName == "OnRenderCompleted")
        {
            Interlocked.Increment(ref _acknowledged);
        }

        return next(invocationContext);
    }
}
