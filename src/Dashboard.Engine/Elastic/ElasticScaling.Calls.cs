using Dashboard.Engine.Loop;

namespace Dashboard.Engine.Elastic;

/// <summary>
/// The provider calls, outside the loop: each goes through the pool's <see cref="ProviderRetry"/> pipeline and reports
/// back to the loop as engine commands (an attempt that failed, then the nodes, or the final failure).
/// </summary>
public sealed partial class ElasticScaling
{
    private async Task ProvisionAsync(ProvisionRequest request, CancellationToken cancellationToken)
    {
        var outcome = await retry.RunAsync(
            request.Pool,
            token => providers[request.Pool].ProvisionAsync(request, token),
            failed => inbox.Post(new ProvisioningAttemptFailedCommand(request.Pool, request.Names, failed.Attempt, failed.Attempts, failed.Message, time.GetUtcNow() + failed.Delay)),
            cancellationToken).ConfigureAwait(false);
        if (outcome.Cancelled)
        {
            return;
        }

        await inbox.Post(outcome.Failure is { } message
            ? new ProvisioningFailedCommand(request.Pool, request.Names, byName[request.Pool].Attempts, message)
            : new NodesProvisionedCommand(request.Pool, request.Names, outcome.Value)).ConfigureAwait(false);
    }

    private async Task ReleaseAsync(ReleaseRequest request, CancellationToken cancellationToken)
    {
        var outcome = await retry.RunAsync(
            request.Pool,
            async token =>
            {
                await providers[request.Pool].ReleaseAsync(request, token).ConfigureAwait(false);
                return true;
            },
            _ => ValueTask.CompletedTask,
            cancellationToken).ConfigureAwait(false);
        if (outcome.Cancelled)
        {
            return;
        }

        foreach (var node in request.Nodes)
        {
            await inbox.Post(outcome.Failure is { } message
                ? new ReleaseFailedCommand(request.Pool, node, byName[request.Pool].Attempts, message)
                : new NodeHandedBackCommand(request.Pool, node)).ConfigureAwait(false);
        }
    }
}
