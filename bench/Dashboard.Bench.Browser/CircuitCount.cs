using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Dashboard.Bench.Browser;

/// <summary>
/// The server's open circuits and their connected ones (`--circuits`): registered once for the process (a singleton),
/// so a circuit holds nothing more than before; says that the circuits stay connected while Playwright is away.
/// </summary>
public sealed class CircuitCount : CircuitHandler
{
    private int _circuits;
    private int _connected;

    public int Circuits => Volatile.Read(ref _circuits);

    public int Connected => Volatile.Read(ref _connected);

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _circuits);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref _circuits);
        return Task.CompletedTask;
    }

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connected);
        return Task.CompletedTask;
    }

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref _connected);
        return Task.CompletedTask;
    }
}
