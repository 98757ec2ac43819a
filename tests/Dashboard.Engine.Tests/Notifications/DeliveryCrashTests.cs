using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Dashboard.Data.Notifications;
using Dashboard.Engine.Notifications;

namespace Dashboard.Engine.Tests.Notifications;

/// <summary>
/// The real delivery worker in its own process (Dashboard.Engine.DeliveryHost) sends 12 webhooks to a real receiver
/// and is killed with SIGKILL twice: once while a POST is held open (received, not answered, so not marked), once right
/// after a delivery was marked. A fresh process then finishes the outbox. Every delivery must arrive; only a POST that
/// had been received but not marked when a kill came may arrive again (with the same idempotency key); a marked
/// delivery is never sent again.
/// </summary>
public sealed class DeliveryCrashTests : IDisposable
{
    private const int Deliveries = 12;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly OutboxFixture fixture = new(TimeProvider.System);

    public void Dispose() => fixture.Dispose();

    [Fact]
    public async Task A_worker_killed_mid_delivery_and_after_a_mark_loses_nothing_and_repeats_only_the_post_in_flight()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        const string secret = "whsec_crash";
        var hook = fixture.Choices.AddWebhook("alice", receiver.Url, secret, DateTimeOffset.UtcNow).ToString(CultureInfo.InvariantCulture);
        var keys = Enumerable.Range(1, Deliveries)
            .Select(i => new OutboxDelivery(NotificationChannel.Webhook, hook).IdempotencyKey(fixture.Queue(i, DateTimeOffset.UtcNow.AddSeconds(-Deliveries + i), new OutboxDelivery(NotificationChannel.Webhook, hook))))
            .ToList();
        var killInFlightAt = Random.Shared.Next(2, 6);
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Answer = number => number == killInFlightAt ? HoldOpen(inFlight) : Task.FromResult(200);

        // 1. Killed while its POST number killInFlightAt is in flight.
        using (var first = Host.Start(fixture.Database.FilePath))
        {
            await receiver.WaitForRequestAsync(killInFlightAt);
            first.Kill();
        }

        var heldKey = receiver.Received.Single(r => r.Number == killInFlightAt).Delivery!;
        DeliveredKeys().Should().NotContain(heldKey, "its answer never came back, so it was not marked");
        var unmarkedAtKills = UnmarkedOf(receiver);

        string markedKey;
        int markedReceipts;

        // 2. Killed right after it printed that a delivery was marked.
        using (var second = Host.Start(fixture.Database.FilePath))
        {
            var marked = await second.WaitForLineAsync(line => line.StartsWith("delivered ", StringComparison.Ordinal));
            second.Kill();
            markedKey = marked["delivered ".Length..];
            DeliveredKeys().Should().Contain(markedKey);
            unmarkedAtKills.UnionWith(UnmarkedOf(receiver));
            markedReceipts = receiver.Received.Count(r => r.Delivery == markedKey);
        }

        // 3. A fresh process finishes the outbox.
        using (var third = Host.Start(fixture.Database.FilePath))
        {
            await third.WaitUntilAsync(() => DeliveredKeys().Count == Deliveries);
            third.Kill();
        }

        var received = receiver.Received;
        received.Select(r => r.Delivery).Distinct().Should().BeEquivalentTo(keys, "nothing is lost");
        var repeated = received.GroupBy(r => r.Delivery).Where(g => g.Count() > 1).Select(g => g.Key!).ToList();
        unmarkedAtKills.Should().Contain(heldKey);
        repeated.Should().BeSubsetOf(unmarkedAtKills, "only a POST received but not marked when a kill came may repeat");
        repeated.Should().Contain(heldKey, "the held POST was never answered, so it is sent again");
        received.Count(r => r.Delivery == markedKey).Should().Be(markedReceipts, "a delivery marked before a kill is not sent again");
        received.Should().OnlyContain(r => WebhookSignature.Verify(secret, r.Timestamp, r.Signature, r.Body, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        using var connection = fixture.Database.OpenConnection();
        connection.ExecuteScalar<long>("SELECT count(*) FROM notification_outbox WHERE delivered_at IS NULL").Should().Be(0);
    }

    private static async Task<int> HoldOpen(TaskCompletionSource never)
    {
        await never.Task;
        return 200;
    }

    /// <summary>The keys the receiver got that are not marked delivered (the POSTs in flight when the host was killed).</summary>
    private HashSet<string> UnmarkedOf(WebhookReceiver receiver)
    {
        var delivered = DeliveredKeys();
        return [.. receiver.Received.Select(r => r.Delivery!).Where(k => !delivered.Contains(k))];
    }

    private HashSet<string> DeliveredKeys()
    {
        using var connection = fixture.Database.OpenConnection();
        return [.. connection.Query<string>("SELECT idempotency_key FROM notification_outbox WHERE delivered_at IS NOT NULL")];
    }

    /// <summary>The delivery host process: its output lines, waited on as they come.</summary>
    private sealed class Host : IDisposable
    {
        private readonly Process process;
        private readonly List<string> lines = [];
        private readonly StringBuilder errors = new();
        private readonly Lock gate = new();
        private Action? onLine;

        private Host(Process process) => this.process = process;

        public static Host Start(string databaseFile)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Dashboard.Engine.DeliveryHost.dll"));
            start.ArgumentList.Add(databaseFile);
            var host = new Host(Process.Start(start)!);
            host.process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null)
                {
                    return;
                }

                Action? notify;
                lock (host.gate)
                {
                    host.lines.Add(e.Data);
                    notify = host.onLine;
                }

                notify?.Invoke();
            };
            host.process.ErrorDataReceived += (_, e) =>
            {
                lock (host.gate)
                {
                    host.errors.AppendLine(e.Data);
                }
            };
            host.process.BeginOutputReadLine();
            host.process.BeginErrorReadLine();
            return host;
        }

        /// <summary>Completes with the first output line matching <paramref name="match"/>.</summary>
        public async Task<string> WaitForLineAsync(Func<string, bool> match)
        {
            var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            void Check()
            {
                lock (gate)
                {
                    if (lines.FirstOrDefault(match) is { } line)
                    {
                        found.TrySetResult(line);
                    }
                }
            }

            lock (gate)
            {
                onLine = Check;
            }

            Check();
            return await found.Task.WaitAsync(Patience).ConfigureAwait(false);
        }

        /// <summary>Waits, each time the host prints a line, until <paramref name="condition"/> holds.</summary>
        public async Task WaitUntilAsync(Func<bool> condition)
        {
            var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Check()
            {
                if (condition())
                {
                    met.TrySetResult();
                }
            }

            lock (gate)
            {
                onLine = Check;
            }

            Check();
            try
            {
                await met.Task.WaitAsync(Patience).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                lock (gate)
                {
                    throw new TimeoutException("the delivery host did not finish: " + string.Join(Environment.NewLine, lines) + Environment.NewLine + errors);
                }
            }
        }

        /// <summary>SIGKILL: no clean-up runs in the host.</summary>
        public void Kill()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        public void Dispose()
        {
            if (!process.HasExited)
            {
                Kill();
            }

            process.Dispose();
        }
    }
}
