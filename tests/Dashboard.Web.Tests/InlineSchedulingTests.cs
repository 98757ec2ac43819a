using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dashboard.Web.Tests;

/// <summary>
/// Kestrel runs a connection's work on the thread that completed its socket operation (Program.cs): fewer thread-pool
/// hops per live update, and still no request that blocks its thread holds up the other connections.
/// </summary>
public sealed class InlineSchedulingTests
{
    [Fact]
    public async Task Kestrel_schedules_inline_by_default_and_one_setting_turns_it_off()
    {
        await using var shipped = new DashboardFactory();
        await using var off = new DashboardFactory { Settings = new Dictionary<string, string> { ["Kestrel:InlineScheduling"] = "false" } };

        shipped.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling.Should().BeTrue();
        off.Services.GetRequiredService<IOptions<SocketTransportOptions>>().Value.UnsafePreferInlineScheduling.Should().BeFalse();
    }

    [Fact]
    public async Task Requests_that_block_their_threads_two_per_core_do_not_stall_another_connection()
    {
        var holding = 2 * Environment.ProcessorCount;
        using var release = new ManualResetEventSlim();
        using var blocked = new CountdownEvent(holding);
        await using var factory = new DashboardFactory
        {
            TestServices = services => services.AddSingleton<IStartupFilter>(new BlockingEndpoint(blocked, release)),
        };
        factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        var cancel = TestContext.Current.CancellationToken;
        using var client = factory.CreateClient();
        var address = client.BaseAddress!;

        // Twice as many requests as there are cores (and socket event threads, were socket completions run inline) each
        // hold their thread, the way a long synchronous SQLite read would. Each comes on a connection that already
        // answered once, so that the server was waiting for it on the socket (a first request is read on the thread
        // that accepted the connection).
        var holders = Enumerable.Range(0, holding).Select(_ => Task.Run(async () =>
        {
            using var own = new HttpClient { BaseAddress = address };
            (await own.GetStringAsync(new Uri("/healthz", UriKind.Relative), cancel)).Should().Be("ok");
            return await own.GetStringAsync(new Uri(BlockingEndpoint.Path, UriKind.Relative), cancel);
        }, cancel)).ToList();
        blocked.Wait(TimeSpan.FromMinutes(1), cancel).Should().BeTrue("every blocking request reached its handler");

        try
        {
            using var fresh = new HttpClient { BaseAddress = address };
            var health = await fresh.GetStringAsync(new Uri("/healthz", UriKind.Relative), cancel).WaitAsync(TimeSpan.FromMinutes(1), cancel);

            health.Should().Be("ok", "another connection is served while the blocked ones hold their threads");
            holders.Should().OnlyContain(h => !h.IsCompleted, "the blocking requests were still held");
        }
        finally
        {
            release.Set();
        }

        (await Task.WhenAll(holders).WaitAsync(TimeSpan.FromMinutes(1), cancel)).Should().OnlyContain(answer => answer == "released");
    }

    /// <summary>A test-only endpoint whose handler blocks its thread until released.</summary>
    private sealed class BlockingEndpoint(CountdownEvent blocked, ManualResetEventSlim release) : IStartupFilter
    {
        public const string Path = "/test/block-thread";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, rest) =>
            {
                if (context.Request.Path == Path)
                {
                    blocked.Signal();
                    release.Wait(TimeSpan.FromMinutes(2));
                    await context.Response.WriteAsync("released");
                    return;
                }

                await rest(context);
            });
            next(app);
        };
    }
}
