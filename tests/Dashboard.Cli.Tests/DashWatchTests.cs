using Dashboard.Scheduling.Model;
using Dashboard.Engine.Loop;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Cli.Tests;

/// <summary><c>dash watch</c> against the real server, on a clock the test holds.</summary>
[Collection(nameof(SharedDashServer))]
public sealed class DashWatchTests(DashServer server)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Watch_stamps_the_cluster_totals_with_the_time_of_its_own_clock()
    {
        var cancel = TestContext.Current.CancellationToken;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 13, 37, 5, TimeSpan.Zero));
        using var output = new LineWatchingWriter();
        using var error = new WatchingWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var watching = DashApp.RunAsync(
            ["watch"],
            new Terminal(output, error),
            name => name switch { "DASH_SERVER" => server.Address.ToString(), "DASH_TOKEN" => server.TokenOf("alice"), _ => null },
            clock,
            cancellationToken: stop.Token);

        var first = await output.LineAsync(l => l.Contains("  cluster: GPUs ", StringComparison.Ordinal)).WaitAsync(Patience, cancel);
        first.Should().StartWith("13:37:05  cluster: GPUs ", "the totals the server sends on connecting, at the clock's time");

        clock.Advance(new TimeSpan(1, 2, 3));
        var later = output.LineAsync(l => l.StartsWith("14:39:08  cluster: GPUs ", StringComparison.Ordinal));
        var engine = server.Factory.Services.GetRequiredService<ClusterEngine>();
        var submitted = await engine.SubmitAsync(new JobSpec("watched", "alice", "vision", "sleep 600", new ResourceRequest(1, 100, 64), Walltime: TimeSpan.FromHours(1)), "alice");
        submitted.Succeeded.Should().BeTrue(submitted.Reason);
        (await later.WaitAsync(Patience, cancel)).Should().Contain("cluster: GPUs", "the totals changed, and the line says when by the moved clock");

        (await engine.CancelAsync(submitted.Job!.Value, "alice")).Succeeded.Should().BeTrue();
        await stop.CancelAsync();
        (await watching.WaitAsync(Patience, cancel)).Should().Be(ExitCodes.Ok, error.ToString());
    }
}
