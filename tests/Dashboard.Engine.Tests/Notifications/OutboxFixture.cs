using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.Notifications;
using Dashboard.Data.Writing;

namespace Dashboard.Engine.Tests.Notifications;

/// <summary>A real database file in a temp folder with notifications queued the way the engine queues them (through the writer).</summary>
internal sealed class OutboxFixture : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);

    private readonly ClusterWriter writer;

    public OutboxFixture(TimeProvider time)
    {
        Folder = Directory.CreateTempSubdirectory("dashboard-outbox-").FullName;
        Database = Database.Open(new DatabaseOptions { DataFolder = Folder }, time);
        writer = new ClusterWriter(Database);
        Outbox = new NotificationOutbox(Database);
        Choices = new NotificationChoiceStore(Database);
    }

    public string Folder { get; }

    public Database Database { get; }

    public NotificationOutbox Outbox { get; }

    public NotificationChoiceStore Choices { get; }

    /// <summary>Queues notification <paramref name="number"/> for alice with the given deliveries; returns its event key.</summary>
    public string Queue(int number, DateTimeOffset at, params OutboxDelivery[] deliveries)
    {
        var key = $"job:{number}:job.failed:1";
        writer.Write([new NotificationQueued(
            new NewNotification(key, "alice", NotificationKind.JobFailed, number, $"Job {number} \"train\" failed", $"Job {number} \"train\" failed; exit code 1.", $"https://dash.example/jobs/{number}", at, InDashboard: true),
            [.. deliveries])]);
        return key;
    }

    public void Dispose()
    {
        writer.Dispose();
        Database.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
