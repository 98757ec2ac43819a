using Dashboard.Data;
using Dashboard.Data.Notifications;
using Dashboard.Engine.Notifications;
using Microsoft.Extensions.Logging.Abstractions;

// The delivery crash test's victim: the real notification delivery worker on a database file, sending its outbox to
// webhooks (loopback allowed), printing "delivered <idempotency key>" after each delivery is marked. It runs until it
// is killed. Usage: Dashboard.Engine.DeliveryHost <database file>
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: Dashboard.Engine.DeliveryHost <database file>");
    return 64;
}

var databaseFile = Path.GetFullPath(args[0]);
var time = TimeProvider.System;
using var database = Database.Open(new DatabaseOptions { DataFolder = Path.GetDirectoryName(databaseFile)!, FileName = Path.GetFileName(databaseFile) }, time);
using var webhooks = new WebhookSender(new WebhookOptions { AllowPrivateNetworks = true, Timeout = TimeSpan.FromMinutes(5) }, time);
var options = new DeliveryOptions { AttemptsPerRound = 1, RoundDelay = TimeSpan.FromMilliseconds(100), PollInterval = TimeSpan.FromMilliseconds(200) };
using var worker = new OutboxDeliveryWorker(new NotificationOutbox(database), [webhooks], options, time, NullLogger<OutboxDeliveryWorker>.Instance);
var output = new Lock();
worker.Delivered += message =>
{
    lock (output)
    {
        Console.WriteLine($"delivered {message.IdempotencyKey}");
    }
};
Console.WriteLine("ready");
await worker.StartAsync(CancellationToken.None);
await Task.Delay(Timeout.Infinite);
return 0;
